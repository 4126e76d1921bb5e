import type { Message } from '../errors.js';
import { scheduleFor, scheduleForDose, scheduleForPerson, type Schedule } from './data.js';
import { addDuration } from './dates.js';
import { forecast, givableOn, scheduleApplies, type DoseForecast, type GivenDose } from './engine.js';

/** Which schedule rule refused a booking; shown to clients as `extensions.rule`. */
export type EligibilityRule =
  | 'NO_SCHEDULE'
  | 'SEX'
  | 'NOT_IN_SCHEDULE'
  | 'SCHEDULE_AGE'
  | 'ALREADY_GIVEN'
  | 'PREVIOUS_DOSE'
  | 'MIN_AGE'
  | 'MIN_INTERVAL'
  | 'MAX_AGE'
  | 'NO_LONGER_NEEDED';

export type DoseEligibility =
  | { ok: true; dose: DoseForecast }
  | { ok: false; rule: EligibilityRule; antigen: string | null; doseKind: string; earliestDate?: string; message: Message };

const refuse = (
  rule: EligibilityRule,
  antigen: string | null,
  doseKind: string,
  message: Message,
  earliestDate?: string,
): DoseEligibility => ({ ok: false, rule, antigen, doseKind, message, ...(earliestDate ? { earliestDate } : {}) });

/**
 * Whether a dose may be booked for a visit on `visitDate`: exactly when the schedule's forecast, as of
 * that date, lists it among the doses givable that day (`givableOn`, the same list immunization's
 * forecast and due sessions show). So booking, the forecast and the due list agree by construction; the
 * rest only names the rule that refused and the earliest date it would pass. `given` are the person's
 * valid doses of the programme (recorded, declared or national: the engine counts whatever it is given).
 */
export function doseEligibility(
  schedule: Schedule,
  birthDate: string,
  given: GivenDose[],
  doseKind: string,
  visitDate: string,
  productCode?: string,
): DoseEligibility {
  const series = schedule.series.find((s) => s.doses.some((d) => d.doseKind === doseKind));
  if (!series) {
    return refuse('NOT_IN_SCHEDULE', null, doseKind, {
      id: `Dosis ${doseKind} tidak ada dalam jadwal ${schedule.name}`,
      en: `Dose ${doseKind} is not in the schedule ${schedule.name}`,
    });
  }
  const antigen = series.antigen;
  if (!scheduleApplies(schedule, birthDate, visitDate)) {
    const from = schedule.appliesFromAge ? addDuration(birthDate, schedule.appliesFromAge) : undefined;
    const tooYoung = from !== undefined && visitDate < from;
    return refuse(
      'SCHEDULE_AGE',
      antigen,
      doseKind,
      tooYoung
        ? {
            id: `${series.name}: jadwal ${schedule.name} berlaku mulai ${from}`,
            en: `${series.name}: the schedule ${schedule.name} applies from ${from}`,
          }
        : {
            id: `${series.name} (${doseKind}) tidak untuk usia ini: jadwal ${schedule.name} hanya sampai usia ${schedule.appliesBeforeAge?.text ?? ''}`,
            en: `${series.name} (${doseKind}) is not for this age: the schedule ${schedule.name} ends at age ${schedule.appliesBeforeAge?.text ?? ''}`,
          },
      tooYoung ? from : undefined,
    );
  }
  const f = forecast(schedule, birthDate, given, visitDate);
  const mine = f.doses.filter((d) => d.doseKind === doseKind);
  const open = mine.find((d) => d.status !== 'GIVEN_VALID' && d.status !== 'GIVEN_INVALID');
  if (!open) {
    return refuse('ALREADY_GIVEN', antigen, doseKind, {
      id: `Dosis ${doseKind} (${series.name}) sudah pernah diterima`,
      en: `Dose ${doseKind} (${series.name}) has already been received`,
    });
  }
  const definition = series.doses.find((d) => d.doseKind === doseKind)!;
  if (givableOn(f, visitDate).some((d) => d.doseKind === doseKind)) {
    const interval = productCode ? definition.productMinInterval?.[productCode] : undefined;
    const previousOn = f.doses.filter((d) => d.antigen === antigen && d.status === 'GIVEN_VALID').at(-1)?.givenOn;
    const productEarliest = interval && previousOn ? addDuration(previousOn, interval) : undefined;
    if (productEarliest && visitDate < productEarliest) {
      return refuse(
        'MIN_INTERVAL',
        antigen,
        doseKind,
        {
          id: `${series.name} (${doseKind}) dengan produk ${productCode} paling cepat ${interval!.text} setelah dosis sebelumnya: mulai ${productEarliest}`,
          en: `${series.name} (${doseKind}) with ${productCode} needs ${interval!.text} after the previous dose: from ${productEarliest}`,
        },
        productEarliest,
      );
    }
    return { ok: true, dose: open };
  }
  if (open.status === 'NO_LONGER_NEEDED') {
    const pastMax = open.latestDate !== undefined && visitDate > open.latestDate;
    return pastMax
      ? refuse('MAX_AGE', antigen, doseKind, {
          id: `${series.name} (${doseKind}) hanya sampai ${open.latestDate} (usia maksimal ${series.doses.find((d) => d.doseKind === doseKind)?.maximumAge?.text ?? ''}); tidak diberikan lagi`,
          en: `${series.name} (${doseKind}) may be given until ${open.latestDate} (maximum age ${series.doses.find((d) => d.doseKind === doseKind)?.maximumAge?.text ?? ''}); no longer given`,
        })
      : refuse('NO_LONGER_NEEDED', antigen, doseKind, {
          id: `${series.name} (${doseKind}) tidak diperlukan lagi: seri ini tidak dapat dilengkapi`,
          en: `${series.name} (${doseKind}) is no longer needed: the series can no longer be completed`,
        });
  }
  const previous = series.doses[definition.doseNumber - 2];
  const earliest = open.earliestDate;
  if (previous && !f.doses.some((d) => d.doseKind === previous.doseKind && d.status === 'GIVEN_VALID')) {
    return refuse(
      'PREVIOUS_DOSE',
      antigen,
      doseKind,
      {
        id: `${series.name} (${doseKind}) memerlukan dosis ${previous.doseKind} terlebih dahulu`,
        en: `${series.name} (${doseKind}) requires dose ${previous.doseKind} first`,
      },
      earliest,
    );
  }
  const minAgeDate = addDuration(birthDate, definition.minimumAge);
  if (visitDate < minAgeDate) {
    return refuse(
      'MIN_AGE',
      antigen,
      doseKind,
      {
        id: `${series.name} (${doseKind}) mulai usia ${definition.minimumAge.text}: paling cepat ${earliest}`,
        en: `${series.name} (${doseKind}) is from age ${definition.minimumAge.text}: ${earliest} at the earliest`,
      },
      earliest,
    );
  }
  return refuse(
    'MIN_INTERVAL',
    antigen,
    doseKind,
    {
      id: `${series.name} (${doseKind}) paling cepat ${definition.minIntervalFromPrevious?.text ?? ''} setelah dosis sebelumnya: mulai ${earliest}`,
      en: `${series.name} (${doseKind}) needs ${definition.minIntervalFromPrevious?.text ?? ''} after the previous dose: from ${earliest}`,
    },
    earliest,
  );
}

/**
 * `doseEligibility` for the schedule in force that defines the dose: the programme's own, or the one
 * that lists the dose kind (a product may serve two programmes), for this person's sex.
 */
export function programmeEligibility(
  programme: string,
  birthDate: string,
  given: GivenDose[],
  doseKind: string,
  visitDate: string,
  productCode?: string,
  sex?: string,
): DoseEligibility {
  const own = scheduleFor(programme);
  const schedule = own?.series.some((s) => s.doses.some((d) => d.doseKind === doseKind)) ? own : (scheduleForDose(doseKind) ?? own);
  if (!schedule) {
    return refuse('NO_SCHEDULE', null, doseKind, {
      id: `Program ${programme} tidak memiliki jadwal`,
      en: `The programme ${programme} has no schedule`,
    });
  }
  const series = schedule.series.find((s) => s.doses.some((d) => d.doseKind === doseKind));
  if (series?.sex && sex && series.sex !== sex) {
    const girls = series.sex === 'FEMALE';
    return refuse('SEX', series.antigen, doseKind, {
      id: `${series.name} hanya untuk anak ${girls ? 'perempuan' : 'laki-laki'}`,
      en: `${series.name} is for ${girls ? 'girls' : 'boys'} only`,
    });
  }
  return doseEligibility(scheduleForPerson(schedule, sex), birthDate, given, doseKind, visitDate, productCode);
}
