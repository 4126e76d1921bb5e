import { randomInt } from 'node:crypto';
import { checkNik, FieldErrors, kecamatanOf, type Message, type PiiVault, type Sex } from '@victori/shared';
import { isDate } from '../../time.js';

export interface PersonInput {
  nik: string;
  fullName: string;
  birthDate: string;
  sex: string;
  phone?: string | null;
  residenceKelurahanCode: string;
}

/** What booking keeps of a person: keyed hashes for lookups, ciphertext for the day list, no plain NIK. */
export interface PersonFacts {
  nikHash: string;
  nikEnc: string;
  nameEnc: string;
  birthDate: string;
  sex: Sex;
  phoneHash: string | null;
  residenceKelurahanCode: string;
}

const NAME = /^[\p{L}][\p{L} .,'-]{0,99}$/u;

/** Indonesian mobile numbers in any usual spelling (08…, 628…, +62 8…) to 628…; undefined when not one. */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s().-]/g, '');
  const m = /^(?:\+?62|0)(8\d{7,11})$/.exec(digits);
  return m ? `62${m[1]}` : undefined;
}

/**
 * Checks every field of one submission and reports all mistakes together: one BAD_USER_INPUT error naming
 * the first field, with `extensions.fields` listing each field's message in both languages, so a form can
 * show them all at once instead of one per round trip.
 */
export function validatePerson(input: PersonInput, vault: PiiVault, today: string, phoneRequired: boolean): PersonFacts {
  const mistakes = new FieldErrors();
  const wrong = (field: string, message: Message): void => {
    mistakes.add(field, message);
  };
  const dateOk = isDate(input.birthDate);
  if (!dateOk) wrong('birthDate', { id: 'Tanggal lahir harus YYYY-MM-DD', en: 'Birth date must be YYYY-MM-DD' });
  else if (input.birthDate > today) wrong('birthDate', { id: 'Tanggal lahir di masa depan', en: 'The birth date is in the future' });
  const sexOk = input.sex === 'MALE' || input.sex === 'FEMALE';
  if (!sexOk) wrong('sex', { id: 'Jenis kelamin harus MALE atau FEMALE', en: 'Sex must be MALE or FEMALE' });
  const nik = input.nik.trim();
  // The NIK encodes birth date and sex; it is compared with them only when they are themselves valid.
  const nikCheck = checkNik(nik, dateOk && sexOk ? { birthDate: input.birthDate, sex: input.sex as Sex } : {});
  if (!nikCheck.ok) wrong('nik', nikCheck.message);
  const fullName = input.fullName.trim().replace(/\s+/g, ' ');
  if (!NAME.test(fullName) || fullName.length < 2) wrong('fullName', { id: 'Nama lengkap tidak valid', en: 'Invalid full name' });
  let phoneHash: string | null = null;
  if (input.phone || phoneRequired) {
    const phone = normalisePhone(input.phone ?? '');
    if (!phone) wrong('phone', { id: 'Nomor HP tidak valid (contoh 081234567890)', en: 'Invalid mobile number (e.g. 081234567890)' });
    else phoneHash = vault.hash(`phone:${phone}`);
  }
  if (!kecamatanOf(input.residenceKelurahanCode)) {
    wrong('residenceKelurahanCode', { id: 'Kode kelurahan tidak dikenal di Kota Semarang', en: 'Unknown kelurahan code in Kota Semarang' });
  }
  mistakes.throwIfAny();
  return {
    nikHash: vault.hash(nik),
    nikEnc: vault.encrypt(nik),
    nameEnc: vault.encrypt(fullName),
    birthDate: input.birthDate,
    sex: input.sex as Sex,
    phoneHash,
    residenceKelurahanCode: input.residenceKelurahanCode,
  };
}

// No 0/O, 1/I/L: read aloud and typed from a paper slip.
const SLIP_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A 6-character verification code for the slip (31^6 ≈ 887 million values). */
export function newSlipCode(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += SLIP_ALPHABET[randomInt(SLIP_ALPHABET.length)];
  return code;
}

export const normaliseSlipCode = (code: string): string => code.trim().toUpperCase();
