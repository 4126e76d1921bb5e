import { describe, expect, test } from 'vitest';
import { dueLeft, lotChoices, productFor, stepFor } from './steps.js';
import type { DayAppointment, DayPack, DueChild, Entry } from './store.js';

const appointment = (status: string, person: boolean, id = 'a-1') =>
  ({ id, status, person: person ? { id: 'p-1', fullName: 'Ani', doseRecords: { edges: [] } } : null }) as unknown as DayAppointment;
const pack = (over: Partial<DayPack> = {}): DayPack =>
  ({ facilityId: 'f', date: '2026-12-02', localCheckIns: [], lots: {}, appointments: [], sessions: [], ...over }) as DayPack;
const entry = (appointmentId: string, resolution?: Entry['resolution']) => ({ input: { appointmentId }, resolution }) as unknown as Entry;

describe('the person opens at the step their status calls for', () => {
  test.each([
    ['BOOKED', true, 'check-in'],
    ['CHECKED_IN', true, 'dose'],
    ['CHECKED_IN', false, 'register'],
    ['COMPLETED', true, 'done'],
    ['NO_SHOW', true, 'closed'],
    ['CANCELLED', true, 'closed'],
  ])('%s (in the registry: %s): %s', (status, person, step) => {
    expect(stepFor(appointment(status, person), pack(), [])).toBe(step);
  });

  test('checked in on this device while offline: dose entry; a dose entered on the device: done', () => {
    expect(stepFor(appointment('BOOKED', true), pack({ localCheckIns: ['a-1'] }), [])).toBe('dose');
    expect(stepFor(appointment('BOOKED', true), pack({ localCheckIns: ['a-1'] }), [entry('a-1')])).toBe('done');
    // An entry the worker dropped (the other record kept) does not count as this visit's dose.
    expect(stepFor(appointment('CHECKED_IN', true), pack(), [entry('a-1', 'kept-other')])).toBe('dose');
  });
});

describe('lots offered for a dose', () => {
  const lot = (lotNumber: string, expiryDate: string, recalled = false) => ({ id: lotNumber, lotNumber, expiryDate, recalled });
  test('the FEFO pick first, then by expiry; recalled and expired lots are not offered', () => {
    const p = pack({
      lots: {
        PFIZER: {
          fefoSuggestion: {
            productCode: 'PFIZER',
            availableDoses: 10,
            picks: [{ lot: { id: 'B', lotNumber: 'B', expiryDate: '2027-01-01' } }],
          },
          lots: [
            lot('A', '2027-06-01'),
            lot('B', '2027-01-01'),
            lot('C', '2027-03-01'),
            lot('R', '2026-12-20', true),
            lot('X', '2026-11-30'),
          ],
        },
      },
    });
    expect(lotChoices(p, 'PFIZER')).toEqual([
      { lotNumber: 'B', expiryDate: '2027-01-01', fefo: true },
      { lotNumber: 'C', expiryDate: '2027-03-01', fefo: false },
      { lotNumber: 'A', expiryDate: '2027-06-01', fefo: false },
    ]);
    expect(lotChoices(p, 'INDOVAC')).toEqual([]);
  });
});

describe('a due child at the posyandu', () => {
  const child = {
    personId: 'c-1',
    fullName: 'Hana',
    dueDoses: [
      { doseKind: 'BCG', productCodes: ['BCG'] },
      { doseKind: 'OPV1', productCodes: ['BOPV'] },
    ],
  } as unknown as DueChild;
  const given = (doseKind: string, resolution?: Entry['resolution']) =>
    ({ input: { personId: 'c-1', doseKind }, resolution }) as unknown as Entry;

  test('a dose entered on the device is no longer due; one the worker dropped still is', () => {
    expect(dueLeft(child, []).map((d) => d.doseKind)).toEqual(['BCG', 'OPV1']);
    expect(dueLeft(child, [given('BCG')]).map((d) => d.doseKind)).toEqual(['OPV1']);
    expect(dueLeft(child, [given('BCG', 'kept-other')]).map((d) => d.doseKind)).toEqual(['BCG', 'OPV1']);
  });

  test('the product is the first of the dose’s products with usable lots at the facility', () => {
    const withLots = (code: string): DayPack['lots'] => ({
      [code]: {
        fefoSuggestion: { productCode: code, availableDoses: 5, picks: [] },
        lots: [{ id: 'L', lotNumber: 'L', expiryDate: '2027-01-01', recalled: false }],
      },
    });
    expect(productFor(pack({ lots: withLots('IPV') }), ['BOPV', 'IPV'])).toBe('IPV');
    // None in stock: the first, so the form says there is no lot.
    expect(productFor(pack(), ['BOPV', 'IPV'])).toBe('BOPV');
  });
});
