import { badInput, type Message } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { facilityRef } from '../../external/facility.stub.js';
import { productRef } from '../../external/product.stub.js';
import { isIsoDate } from '../schedule/schedule.dates.js';
import { PersonEntity } from '../person/person.entity.js';
import { toDelivery } from './dose.mapper.js';
import { SlipDoseRecord } from './dose.type.js';

/**
 * A slip's holder finds their dose records and their delivery to SATUSEHAT with the NIK, birth date and
 * a slip code that a vaccinator wrote on one of the person's dose records: the same three things that
 * find their appointments in booking. The answer for every mismatch (unknown NIK, other birth date, a
 * slip code never used for this person) is the same empty list, so the lookup tells nothing about which
 * part was wrong, and a holder not yet vaccinated simply has nothing to see.
 */
export async function doseRecordsBySlip(
  ctx: ImmunizationContext,
  args: { nik: string; birthDate: string; slipCode: string },
): Promise<SlipDoseRecord[]> {
  const nik = args.nik.trim();
  const slipCode = args.slipCode.trim().toUpperCase();
  const mistakes: { field: string; message: Message }[] = [];
  if (!/^\d{16}$/.test(nik)) mistakes.push({ field: 'nik', message: { id: 'NIK harus 16 angka', en: 'The NIK must be 16 digits' } });
  if (!isIsoDate(args.birthDate))
    mistakes.push({ field: 'birthDate', message: { id: 'Tanggal lahir harus YYYY-MM-DD', en: 'Birth date must be YYYY-MM-DD' } });
  if (!/^[A-Z0-9]{4,20}$/.test(slipCode))
    mistakes.push({ field: 'slipCode', message: { id: 'Kode slip tidak valid', en: 'Invalid slip code' } });
  const first = mistakes[0];
  if (first)
    throw badInput(first.field, first.message, {
      fields: mistakes.map((m) => ({ field: m.field, message: m.message.id, messageEn: m.message.en })),
    });

  const person = await ctx.em.findOne(PersonEntity, { nikHash: ctx.vault.hash(nik) });
  if (!person || person.birthDate !== args.birthDate) return [];
  const records = (await ctx.loaders.dosesByPerson.load(person.id)).filter((r) => r.status === 'ACTIVE');
  if (!records.some((r) => r.slipCode?.trim().toUpperCase() === slipCode)) return [];
  return Promise.all(
    records.map(async (r) =>
      Object.assign(new SlipDoseRecord(), {
        doseRecordId: r.id,
        antigen: r.antigen,
        doseNumber: r.doseNumber,
        productCode: r.productCode,
        product: productRef(r.productCode),
        administeredAt: r.administeredAt.toISOString(),
        facility: facilityRef(r.facilityId),
        deliveryState: toDelivery(r, await ctx.loaders.deliveryByRecord.load(r.id)).state,
      }),
    ),
  );
}
