import { badInput, maskNik, notFound } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy } from '../../policy.js';
import { checkDate } from '../forecast/forecast.service.js';
import { toDoseForecast } from '../forecast/forecast.mapping.js';
import { scheduleFor, scheduleForPerson } from '../schedule/schedule.data.js';
import { addDuration, jakartaDate } from '../schedule/schedule.dates.js';
import { forecast } from '../schedule/schedule.engine.js';
import { DueChild } from './due.type.js';
import { childrenOfKelurahan, facilityArea } from './due.store.js';

/** A posyandu's kelurahan has a few hundred children under six; the list is for one morning. */
const MAX_CHILDREN = 1000;
const PROGRAMME = 'ROUTINE_CHILD';

/**
 * The children living in the facility's kelurahan with routine doses due or overdue on `asOf` (today in
 * Jakarta by default): what a posyandu downloads before going out. Health workers of the facility and
 * admins (policy). Doses count as given only when recorded (a declaration waiting for a decision is
 * decided at the posyandu with the card in hand).
 */
export async function dueChildren(ctx: ImmunizationContext, facilityId: string, asOfArg?: string | null): Promise<DueChild[]> {
  immunizationPolicy.dueChildren(ctx.request.claims, facilityId);
  const asOf = checkDate(asOfArg, 'asOf') ?? jakartaDate(new Date());
  const area = await facilityArea(ctx.em, { facilityId });
  if (!area) throw notFound('Fasilitas', 'facilityId');
  const schedule = scheduleFor(PROGRAMME);
  if (!schedule?.appliesBeforeAge)
    throw badInput('programme', { id: 'Program tidak memiliki jadwal', en: 'No schedule for this programme' });
  const age = schedule.appliesBeforeAge;
  const bornAfter = addDuration(asOf, { years: -age.years, months: -age.months, days: -age.days, text: `-${age.text}` });
  const children = await childrenOfKelurahan(ctx.em, { kelurahanCode: area.kelurahanCode, bornAfter, limit: MAX_CHILDREN });
  const records = await ctx.loaders.dosesByPerson.loadMany(children.map((c) => c.id));
  const out: DueChild[] = [];
  children.forEach((child, i) => {
    const found = records[i];
    const given = (found instanceof Error ? [] : (found ?? []))
      .filter((r) => r.status === 'ACTIVE' && r.programme === PROGRAMME)
      .map((r) => ({ id: r.id, doseKind: r.doseKind, givenOn: jakartaDate(r.administeredAt) }));
    const due = forecast(scheduleForPerson(schedule, child.sex), child.birthDate, given, asOf).doses.filter(
      (d) => d.status === 'DUE' || d.status === 'OVERDUE',
    );
    if (due.length === 0) return;
    out.push(
      Object.assign(new DueChild(), {
        personId: child.id,
        fullName: ctx.vault.decrypt(child.fullNameEncrypted),
        nikMasked: child.nikEncrypted ? maskNik(ctx.vault.decrypt(child.nikEncrypted)) : null,
        birthDate: child.birthDate,
        sex: child.sex,
        residenceKelurahanCode: child.residenceKelurahanCode,
        programme: PROGRAMME,
        dueDoses: due.map(toDoseForecast),
      }),
    );
  });
  return out;
}
