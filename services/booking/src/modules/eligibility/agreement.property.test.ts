import fc from 'fast-check';
import { addDays, forecast, givableOn, judgeGiven, scheduleFor, type GivenDose } from '@victori/shared';
import { checkEligibility } from './eligibility.js';
import { productRules } from './eligibility.rules.js';

/**
 * Booking, the forecast and the due list agree for any child's history: a dose can be booked for a
 * visit exactly when the forecast on that date lists it as givable (the list dueAndAvailableSessions
 * filters sessions by), unless the product's own age limit refuses it.
 */
const routine = scheduleFor('ROUTINE_CHILD')!;
const doseKinds = routine.series.flatMap((s) => s.doses.map((d) => d.doseKind));
const productFor = (doseKind: string) => [...productRules().values()].find((p) => p.doseKinds.includes(doseKind))!;

const child = fc.record({
  birthOffset: fc.integer({ min: 0, max: 5 * 365 }),
  records: fc.array(fc.record({ doseKind: fc.constantFrom(...doseKinds), ageDays: fc.integer({ min: 0, max: 900 }) }), { maxLength: 12 }),
  visitAgeDays: fc.integer({ min: 0, max: 1000 }),
  asked: fc.constantFrom(...doseKinds),
});

test('for every generated child history, booking allows a dose exactly when the forecast and the due list do', () => {
  const seen = { allowed: 0, refusedBySchedule: 0 };
  fc.assert(
    fc.property(child, ({ birthOffset, records, visitAgeDays, asked }) => {
      const birthDate = addDays('2020-01-01', birthOffset);
      const visit = addDays(birthDate, visitAgeDays);
      const given: GivenDose[] = records
        .map((r, i) => ({ id: `r${i}`, doseKind: r.doseKind, givenOn: addDays(birthDate, r.ageDays) }))
        .filter((r) => r.givenOn <= visit);
      // What immunization publishes for each record: the same engine's judgement of validity.
      const valid = new Set(
        routine.series.flatMap((s) =>
          judgeGiven(s, birthDate, given)
            .filter((d) => d.status === 'GIVEN_VALID')
            .map((d) => d.doseRecordId),
        ),
      );
      const history = given.map((g) => ({ programme: 'ROUTINE_CHILD', doseKind: g.doseKind, date: g.givenOn, valid: valid.has(g.id) }));
      const dueList = givableOn(forecast(routine, birthDate, given, visit), visit).map((d) => d.doseKind);
      const answer = checkEligibility({
        programme: 'ROUTINE_CHILD',
        productCode: productFor(asked).code,
        doseKind: asked,
        sessionDate: visit,
        birthDate,
        history,
      });
      // Allowed only if due; a due dose refused only by the product's own limit, never by a rule of its own.
      if (answer.ok) seen.allowed += 1;
      else if (answer.rule !== 'PRODUCT') seen.refusedBySchedule += 1;
      if (answer.ok) expect(dueList).toContain(asked);
      else if (dueList.includes(asked)) expect(answer.rule).toBe('PRODUCT');
    }),
    { numRuns: 1500, seed: 20261201 },
  );
  // Both answers must occur, or the property proved nothing.
  expect(seen.allowed).toBeGreaterThan(50);
  expect(seen.refusedBySchedule).toBeGreaterThan(50);
});
