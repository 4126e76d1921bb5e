import { badInput, notFound, type Sex } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { registryKey } from '../../events/consumers.js';
import { bookingPolicy } from '../../policy.js';
import { isUuid } from '../facility/facility.loader.js';
import type { BookAppointmentInput } from './appointment.type.js';
import { normalisePhone, normaliseSlipCode, validatePerson, type PersonFacts } from './person.validation.js';

const NAME = /^[\p{L}][\p{L} .,'-]{0,99}$/u;

/**
 * The person a booking is for. By NIK with the person's own data, as before; or by registry id for a
 * dependant (a child without NIK): then the caller must be a citizen account the registry linked to
 * the person, and birth date, sex and residence come from booking's projection of immunization's events
 * (registry_person, registry_guardian), never from the caller. The appointment and the dose history
 * are keyed by the NIK's keyed hash when the registry has one, otherwise by the registry id.
 */
type RegistryRow = { birth_date: string; sex: Sex; residence_kelurahan_code: string; nik_hash: string | null };

async function byGuardian(ctx: BookingContext, personId: string): Promise<RegistryRow[]> {
  const account = bookingPolicy.bookByRegistryId(ctx.request.claims);
  if (!isUuid(personId)) return [];
  return ctx.em.execute<RegistryRow[]>(
    `select p.birth_date::text as birth_date, p.sex, p.residence_kelurahan_code, p.nik_hash
       from registry_person p join registry_guardian g on g.person_id = p.person_id and g.account_id = ?
      where p.person_id = ?`,
    [account, personId],
  );
}

/**
 * The mother without a citizen account: her NIK must be the child's confirmed mother link (a pending one,
 * made from an account without proof, is not enough), and she proves she holds that NIK with the slip code
 * of one of her own appointments, as for managing an appointment without an account.
 */
async function byMother(ctx: BookingContext, input: BookAppointmentInput, personId: string): Promise<RegistryRow[]> {
  if (!input.motherNik?.trim()) throw badInput('motherNik', { id: 'NIK ibu wajib diisi', en: "The mother's NIK is required" });
  if (!input.motherSlipCode?.trim()) {
    throw badInput('motherSlipCode', { id: 'Kode slip ibu wajib diisi', en: "The mother's slip code is required" });
  }
  if (!isUuid(personId)) return [];
  const motherHash = ctx.vault.hash(input.motherNik.trim());
  return ctx.em.execute<RegistryRow[]>(
    `select p.birth_date::text as birth_date, p.sex, p.residence_kelurahan_code, p.nik_hash
       from registry_person p join registry_mother m on m.person_id = p.person_id and m.mother_nik_hash = ?
      where p.person_id = ? and exists (select 1 from appointment a where a.nik_hash = ? and a.slip_code = ?)`,
    [motherHash, personId, motherHash, normaliseSlipCode(input.motherSlipCode)],
  );
}

export async function bookedPerson(ctx: BookingContext, input: BookAppointmentInput, today: string): Promise<PersonFacts> {
  if (!input.personId) {
    // Without a registry id the person's own data is required; validatePerson names every missing or wrong
    // field of the submission at once (an absent field is validated as an empty one).
    return validatePerson(
      {
        nik: input.nik ?? '',
        fullName: input.fullName ?? '',
        birthDate: input.birthDate ?? '',
        sex: input.sex ?? '',
        phone: input.phone,
        residenceKelurahanCode: input.residenceKelurahanCode ?? '',
      },
      ctx.vault,
      today,
      true,
    );
  }
  const personId = input.personId.trim();
  const [row] = input.motherNik || input.motherSlipCode ? await byMother(ctx, input, personId) : await byGuardian(ctx, personId);
  // One answer for "no such person" and "not yours": the id tells a stranger nothing.
  if (!row) throw notFound('Orang', 'personId');
  const phone = normalisePhone(input.phone ?? '');
  if (!phone)
    throw badInput('phone', { id: 'Nomor HP tidak valid (contoh 081234567890)', en: 'Invalid mobile number (e.g. 081234567890)' });
  const fullName = (input.fullName ?? '').trim().replace(/\s+/g, ' ');
  if (fullName && (!NAME.test(fullName) || fullName.length < 2)) {
    throw badInput('fullName', { id: 'Nama lengkap tidak valid', en: 'Invalid full name' });
  }
  return {
    nikHash: row.nik_hash ?? registryKey(personId),
    nikEnc: ctx.vault.encrypt(''),
    nameEnc: ctx.vault.encrypt(fullName),
    birthDate: row.birth_date,
    sex: row.sex,
    phoneHash: ctx.vault.hash(`phone:${phone}`),
    residenceKelurahanCode: row.residence_kelurahan_code,
  };
}
