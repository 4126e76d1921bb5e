import { badInput, notFound, isUuid } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { registryKey } from '../../events/consumers.js';
import { bookingPolicy } from '../../policy.js';
import type { BookAppointmentInput } from './appointment.type.js';
import { personOfGuardian, personOfMother, type RegistryPerson } from './dependant.store.js';
import { normalisePhone, normaliseSlipCode, validatePerson, type PersonFacts } from './person.validation.js';

const NAME = /^[\p{L}][\p{L} .,'-]{0,99}$/u;

async function byGuardian(ctx: BookingContext, personId: string): Promise<RegistryPerson | undefined> {
  const account = bookingPolicy.bookByRegistryId(ctx.request.claims);
  if (!isUuid(personId)) return undefined;
  return personOfGuardian(ctx.em, { accountId: account, personId });
}

/**
 * The mother without a citizen account: her NIK must be the child's confirmed mother link (a pending one,
 * made from an account without proof, is not enough), and she proves she holds that NIK with the slip code
 * of one of her own appointments, as for managing an appointment without an account.
 */
async function byMother(ctx: BookingContext, input: BookAppointmentInput, personId: string): Promise<RegistryPerson | undefined> {
  if (!input.motherNik?.trim()) throw badInput('motherNik', { id: 'NIK ibu wajib diisi', en: "The mother's NIK is required" });
  if (!input.motherSlipCode?.trim()) {
    throw badInput('motherSlipCode', { id: 'Kode slip ibu wajib diisi', en: "The mother's slip code is required" });
  }
  if (!isUuid(personId)) return undefined;
  return personOfMother(ctx.em, {
    motherNikHash: ctx.vault.hash(input.motherNik.trim()),
    personId,
    motherSlipCode: normaliseSlipCode(input.motherSlipCode),
  });
}

/**
 * The person a booking is for. By NIK with the person's own data, as before; or by registry id for a
 * dependant (a child without NIK): then the caller must be a citizen account the registry linked to
 * the person, and birth date, sex and residence come from booking's projection of immunization's events
 * (registry_person, registry_guardian), never from the caller. The appointment and the dose history
 * are keyed by the NIK's keyed hash when the registry has one, otherwise by the registry id.
 */
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
  const row = input.motherNik || input.motherSlipCode ? await byMother(ctx, input, personId) : await byGuardian(ctx, personId);
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
    nikHash: row.nikHash ?? registryKey(personId),
    nikEnc: ctx.vault.encrypt(''),
    nameEnc: ctx.vault.encrypt(fullName),
    birthDate: row.birthDate,
    sex: row.sex,
    phoneHash: ctx.vault.hash(`phone:${phone}`),
    residenceKelurahanCode: row.residenceKelurahanCode,
  };
}
