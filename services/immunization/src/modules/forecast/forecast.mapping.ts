import { productsForDose } from '../../catalogue/catalogue.js';
import type { Schedule } from '../schedule/schedule.data.js';
import {
  forecast,
  givableOn,
  scheduleApplies,
  type DoseForecast as EngineDose,
  type Forecast,
  type GivenDose,
} from '../schedule/schedule.engine.js';
import { DoseForecast, DoseForecastStatus, DueSession, ImmunizationForecast, ImmunizationIndicator } from './forecast.type.js';
import type { SessionNode } from './sessions.client.js';
import { facilityRef } from '../../external/facility.stub.js';
import { sessionRef } from '../../external/session.stub.js';

export function toDoseForecast(d: EngineDose): DoseForecast {
  return Object.assign(new DoseForecast(), {
    antigen: d.antigen,
    doseKind: d.doseKind,
    doseNumber: d.doseNumber,
    status: DoseForecastStatus[d.status],
    timing: d.timing ?? null,
    reason: d.reason ?? null,
    doseRecordId: d.doseRecordId ?? null,
    givenOn: d.givenOn ?? null,
    earliestDate: d.earliestDate ?? null,
    recommendedDate: d.recommendedDate ?? null,
    overdueFrom: d.overdueFrom ?? null,
    latestDate: d.latestDate ?? null,
    productCodes: productsForDose(d.doseKind).map((p) => p.code),
  });
}

export function toForecast(personId: string, schedule: Schedule, birthDate: string, f: Forecast): ImmunizationForecast {
  return Object.assign(new ImmunizationForecast(), {
    personId,
    programme: f.programme,
    scheduleId: f.scheduleId,
    scheduleVersion: f.scheduleVersion,
    asOf: f.asOf,
    applies: scheduleApplies(schedule, birthDate, f.asOf),
    doses: f.doses.map(toDoseForecast),
    indicators: f.indicators.map((i) => Object.assign(new ImmunizationIndicator(), { ...i, completedOn: i.completedOn ?? null })),
  });
}

/** Product codes that could give any dose the person may need between now and `to`. */
export function candidateProducts(schedule: Schedule, birthDate: string, given: GivenDose[], to: string): string[] {
  const doses = givableOn(forecast(schedule, birthDate, given, to), to);
  return [...new Set(doses.flatMap((d) => productsForDose(d.doseKind).map((p) => p.code)))].sort();
}

/**
 * Keeps the sessions where the person can get at least one dose they need on the session's date,
 * with places left and (when inventory reports it) usable stock of the session's product. The
 * schedule is evaluated as of each session date, so a dose becomes bookable from its earliest date.
 */
export function matchSessions(schedule: Schedule, birthDate: string, given: GivenDose[], sessions: SessionNode[]): DueSession[] {
  const byDate = new Map<string, EngineDose[]>();
  const out: DueSession[] = [];
  for (const s of sessions) {
    if (s.remainingPlaces <= 0) continue;
    const stock = s.facility.stock?.find((x) => x.product.code === s.productCode);
    if (!s.offers && s.facility.stock && (!stock || stock.usableDoses <= 0)) continue;
    // A several-vaccine session serves each dose with the product that has stock left for it.
    const offers = s.offers?.filter((o) => o.stockLeft > 0) ?? [{ productCode: s.productCode, doseKinds: s.doseKinds }];
    if (!scheduleApplies(schedule, birthDate, s.date)) continue;
    let givable = byDate.get(s.date);
    if (!givable) {
      givable = givableOn(forecast(schedule, birthDate, given, s.date), s.date);
      byDate.set(s.date, givable);
    }
    const doses = givable.filter((d) =>
      offers.some(
        (o) =>
          (o.doseKinds.length === 0 || o.doseKinds.includes(d.doseKind)) &&
          productsForDose(d.doseKind).some((p) => p.code === o.productCode),
      ),
    );
    if (doses.length === 0) continue;
    out.push(
      Object.assign(new DueSession(), {
        sessionId: s.id,
        date: s.date,
        startTime: s.startTime,
        endTime: s.endTime,
        programme: s.programme,
        productCode: s.productCode,
        remainingPlaces: s.remainingPlaces,
        usableDoses: stock?.usableDoses ?? null,
        facilityName: s.facility.name,
        facility: facilityRef(s.facility.id),
        session: sessionRef(s.id),
        doses: doses.map(toDoseForecast),
      }),
    );
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.startTime.localeCompare(b.startTime));
}
