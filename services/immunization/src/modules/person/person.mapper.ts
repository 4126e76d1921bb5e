import { maskNik, type PiiVault } from '@victori/shared';
import { areaRef } from '../../external/area.stub.js';
import type { PersonEntity } from './person.entity.js';
import { Person } from './person.type.js';

/** Decrypts only what the API shows; the full NIK never leaves the service. */
export function toPerson(e: PersonEntity, vault: PiiVault): Person {
  return Object.assign(new Person(), {
    id: e.id,
    fullName: vault.decrypt(e.fullNameEncrypted),
    nikMasked: e.nikEncrypted ? maskNik(vault.decrypt(e.nikEncrypted)) : null,
    hasNik: Boolean(e.nikHash),
    motherNikMasked: e.motherNikEncrypted ? maskNik(vault.decrypt(e.motherNikEncrypted)) : null,
    motherLink: e.motherLink ?? null,
    birthDate: e.birthDate,
    sex: e.sex,
    birthWeightGrams: e.birthWeightGrams ?? null,
    isChild: e.isChild,
    residenceKelurahanCode: e.residenceKelurahanCode,
    residence: areaRef(e.residenceKelurahanCode),
  });
}
