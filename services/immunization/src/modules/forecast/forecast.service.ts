import { badInput } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy } from '../../policy.js';
import { pendingDeclared } from '../declared/declared.store.js';
import type { PersonEntity } from '../person/person.entity.js';
import { scheduleFor, scheduleForPerson, schedules, type Schedule } from '../schedule/schedule.data.js';
import { daysBetween, isIsoDate, jakartaDate } from '../schedule/schedule.dates.js';
import { forecast, scheduleApplies, type GivenDose } from '../schedule/schedule.engine.js';
import { candidateProducts, matchSessions, toForecast } from './forecast.mapping.js';
import type { DueSession, ImmunizationForecast } from './forecast.type.js';
import { fetchSessions } from './sessions.client.js';

const MAX_RANGE_DAYS = 62;

export function checkDate(value: string | undefined | null, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isIsoDate(value)) throw badInput(field, { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  return value;
}

/** The schedule asked for, or the one that applies at the person's age, as it applies to the person's sex (HPV for girls). */
export function pickSchedule(person: PersonEntity, asOf: string, programme?: string | null): Schedule {
  if (programme) {
    const s = scheduleFor(programme);
    if (!s) throw badInput('programme', { id: 'Program tidak memiliki jadwal', en: 'No schedule for this programme' });
    return scheduleForPerson(s, person.sex);
  }
  return scheduleForPerson(schedules().find((s) => scheduleApplies(s, person.birthDate, asOf)) ?? schedules()[0]!, person.sex);
}

type Given = GivenDose & { declared?: 'DECLARED' | 'NATIONAL' };

async function givenDoses(ctx: ImmunizationContext, personId: string, programme: string): Promise<Given[]> {
  const records = await ctx.loaders.dosesByPerson.load(personId);
  const recorded = records
    .filter((r) => r.status === 'ACTIVE' && r.programme === programme)
    .map((r) => ({ id: r.id, doseKind: r.doseKind, givenOn: jakartaDate(r.administeredAt) }));
  // Declared doses count (as DECLARED) until a health worker decides; a confirmed one is a record above.
  const declared = (await pendingDeclared(ctx.em, { personId }))
    .filter((d) => d.programme === programme && !recorded.some((r) => r.doseKind === d.doseKind))
    .map((d): Given => ({
      id: d.id,
      doseKind: d.doseKind,
      givenOn: d.givenOn,
      declared: d.status === 'NATIONAL' ? 'NATIONAL' : 'DECLARED',
    }));
  return [...recorded, ...declared];
}

async function personForecast(
  ctx: ImmunizationContext,
  person: PersonEntity,
  asOfArg?: string | null,
  programme?: string | null,
): Promise<ImmunizationForecast> {
  const asOf = checkDate(asOfArg, 'asOf') ?? jakartaDate(new Date());
  const schedule = pickSchedule(person, asOf, programme);
  const given = await givenDoses(ctx, person.id, schedule.programme);
  const result = toForecast(person.id, schedule, person.birthDate, forecast(schedule, person.birthDate, given, asOf));
  const declared = new Map(given.flatMap((g) => (g.declared ? [[g.id, g.declared] as const] : [])));
  for (const d of result.doses) d.source = d.doseRecordId ? (declared.get(d.doseRecordId) ?? 'RECORDED') : null;
  return result;
}

/** A person's schedule on a date (default today), for who may see the person. */
export async function forecastOf(
  ctx: ImmunizationContext,
  personId: string,
  asOf?: string | null,
  programme?: string | null,
): Promise<ImmunizationForecast> {
  const person = await immunizationPolicy.person(ctx, personId);
  return personForecast(ctx, person, asOf, programme);
}

/** Person.forecast: the schedule of a person already shown to the caller. */
export async function shownPersonForecast(
  ctx: ImmunizationContext,
  personId: string,
  asOf?: string | null,
  programme?: string | null,
): Promise<ImmunizationForecast> {
  immunizationPolicy.shownPerson();
  const person = await ctx.loaders.person.load(personId);
  return personForecast(ctx, person!, asOf, programme);
}

/**
 * Sessions in an area and date range where the doses the person needs are in stock and have places
 * (booking + inventory through the gateway), for who may see the person.
 */
export async function dueAndAvailableSessions(
  ctx: ImmunizationContext,
  personId: string,
  args: { from: string; to: string; kecamatanCode?: string | null; kelurahanCode?: string | null; programme?: string | null },
): Promise<DueSession[]> {
  const person = await immunizationPolicy.person(ctx, personId);
  const from = checkDate(args.from, 'from')!;
  const to = checkDate(args.to, 'to')!;
  if (to < from) throw badInput('to', { id: 'Tanggal akhir sebelum tanggal awal', en: 'to is before from' });
  if (daysBetween(from, to) > MAX_RANGE_DAYS)
    throw badInput('to', { id: `Rentang paling lama ${MAX_RANGE_DAYS} hari`, en: `The range may span at most ${MAX_RANGE_DAYS} days` });
  if (!args.kecamatanCode && !args.kelurahanCode)
    throw badInput('kecamatanCode', { id: 'Pilih kecamatan atau kelurahan', en: 'Give a kecamatan or kelurahan code' });
  const schedule = pickSchedule(person, from, args.programme);
  const given = await givenDoses(ctx, person.id, schedule.programme);
  const productCodes = candidateProducts(schedule, person.birthDate, given, to);
  if (productCodes.length === 0) return [];
  const sessions = await fetchSessions(
    ctx.settings.gatewayUrl,
    {
      ...(args.kecamatanCode ? { kecamatanCode: args.kecamatanCode } : {}),
      ...(args.kelurahanCode ? { kelurahanCode: args.kelurahanCode } : {}),
      dateFrom: from,
      dateTo: to,
      programme: schedule.programme,
      productCodes,
      hasPlaces: true,
    },
    { requestId: ctx.request.requestId },
  );
  return matchSessions(schedule, person.birthDate, given, sessions);
}
