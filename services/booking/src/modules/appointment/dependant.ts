import { badInput, notFound, type Sex } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { registryKey } from '../../events/consumers.js';
import { bookingPolicy } from '../../policy.js';
import { isUuid } from '../facility/facility.loader.js';
import type { BookAppointmentInput } from './appointment.type.js';
import { normalisePhone, validatePerson, type PersonFacts } from './person.validation.js';

const NAME = /^[\p{L}][\p{L} .,'-]{0,99}$/u;

/**
 * The person a booking is for. By NIK with the person's own data, as before; or by registry id for a
 * dependant (a child without NIK): then the caller must be a citizen account the registry linked to
 * the person, and birth date, sex and residence come from booking's projection of immunization's events
 * (registry_person, registry_guardian), never from the caller. The appointment and the dose history
 * are keyed by the NIK's keyed hash when the registry has one, otherwise by the registry id.
 */
export async function bookedPerson(ctx: BookingContext, input: BookAppointmentInput, today: string): Promise<PersonFacts> {
  if (!input.personId) {
    for (const f of ['nik', 'fullName', 'birthDate', 'sex', 'residenceKelurahanCode'] as const) {
      if (!input[f]) throw badInput(f, { id: `${f} wajib diisi (atau personId)`, en: `${f} is required (or personId)` });
    }
    return validatePerson(
      {
        nik: input.nik!,
        fullName: input.fullName!,
        birthDate: input.birthDate!,
        sex: input.sex!,
        phone: input.phone,
        residenceKelurahanCode: input.residenceKelurahanCode!,
      },
      ctx.vault,
      today,
      true,
    );
  }
  const account = bookingPolicy.bookByRegistryId(ctx.request.claims);
  const personId = input.personId.trim();
  const [row] = isUuid(personId)
    ? await ctx.em.execute<{ birth_date: string; sex: Sex; residence_kelurahan_code: string; nik_hash: string | null }[]>(
        `select p.birth_date::text as birth_date, p.sex, p.residence_kelurahan_code, p.nik_hash
           from registry_person p join registry_guardian g on g.person_id = p.person_id and g.account_id = ?
          where p.person_id = ?`,
        [account, personId],
      )
    : [];
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
