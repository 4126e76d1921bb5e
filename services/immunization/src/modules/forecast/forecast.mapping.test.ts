import { scheduleFor } from '../schedule/schedule.data.js';
import { candidateProducts, matchSessions } from './forecast.mapping.js';
import type { SessionNode } from './sessions.client.js';

const routine = scheduleFor('ROUTINE_CHILD')!;
const BORN = '2026-01-10';
/** Born 10 January 2026 with HB0, BCG and OPV1 on time: at 2 months DPT-HB-Hib 1, OPV2, PCV1 and RV1 are due. */
const given = [
  { id: 'a', doseKind: 'HB0', givenOn: '2026-01-10' },
  { id: 'b', doseKind: 'BCG', givenOn: '2026-02-10' },
  { id: 'c', doseKind: 'OPV1', givenOn: '2026-02-10' },
];

const session = (over: Partial<SessionNode> & { id: string }): SessionNode => ({
  date: '2026-03-12',
  startTime: '08:00',
  endTime: '12:00',
  programme: 'ROUTINE_CHILD',
  productCode: 'PENTABIO',
  doseKinds: ['DPT-HB-HIB1', 'DPT-HB-HIB2', 'DPT-HB-HIB3'],
  capacity: 20,
  remainingPlaces: 5,
  facility: {
    id: '6f1c2a10-0000-4000-8000-000000000002',
    name: 'Puskesmas Miroto',
    stock: [{ usableDoses: 40, product: { code: 'PENTABIO' } }],
  },
  ...over,
});

describe('which sessions suit the child (booking sessions + inventory stock, matched to the forecast)', () => {
  test('asks booking only for products of doses the child may need in the range', () => {
    expect(candidateProducts(routine, BORN, given, '2026-03-20')).toEqual(['BOPV', 'PCV13', 'PENTABIO', 'ROTAVIRUS']);
  });

  test.each<[string, Partial<SessionNode>, string[] | null]>([
    ['a pentavalent session on a date the dose is due', {}, ['DPT-HB-HIB1']],
    ['no places left', { remainingPlaces: 0 }, null],
    [
      'the facility has no usable stock of the product',
      { facility: { id: 'f', name: 'X', stock: [{ usableDoses: 0, product: { code: 'PENTABIO' } }] } },
      null,
    ],
    [
      'the facility has stock of other products only',
      { facility: { id: 'f', name: 'X', stock: [{ usableDoses: 9, product: { code: 'BCG' } }] } },
      null,
    ],
    ['stock not reported by inventory: places decide', { facility: { id: 'f', name: 'X', stock: null } }, ['DPT-HB-HIB1']],
    ['a session before the dose may be given (DPT-HB-Hib 1 from 6 weeks)', { date: '2026-02-15' }, null],
    ['a session that serves only later doses of the product', { doseKinds: ['DPT-HB-HIB4'] }, null],
    ['a session for a product the child does not need', { productCode: 'MR', doseKinds: ['MR1'] }, null],
    [
      'rotavirus after the maximum age of dose 1 (15 weeks)',
      { productCode: 'ROTAVIRUS', doseKinds: ['RV1'], date: '2026-05-01', facility: { id: 'f', name: 'X', stock: null } },
      null,
    ],
    [
      'rotavirus within the age limit',
      { productCode: 'ROTAVIRUS', doseKinds: ['RV1', 'RV2', 'RV3'], facility: { id: 'f', name: 'X', stock: null } },
      ['RV1'],
    ],
    [
      'a session without dose-kind restriction serves what the product gives',
      { productCode: 'BOPV', doseKinds: [], facility: { id: 'f', name: 'X', stock: null } },
      ['OPV2'],
    ],
  ])('%s', (_name, over, expected) => {
    const [match] = matchSessions(routine, BORN, given, [session({ id: 's1', ...over })]);
    if (expected === null) expect(match).toBeUndefined();
    else expect(match!.doses.map((d) => d.doseKind)).toEqual(expected);
  });

  test('results come in date and time order with places and stock', () => {
    const result = matchSessions(routine, BORN, given, [
      session({ id: 'late', date: '2026-03-19' }),
      session({ id: 'early-pm', date: '2026-03-12', startTime: '13:00' }),
      session({ id: 'early-am', date: '2026-03-12', startTime: '08:00' }),
    ]);
    expect(result.map((s) => [s.sessionId, s.remainingPlaces, s.usableDoses])).toEqual([
      ['early-am', 5, 40],
      ['early-pm', 5, 40],
      ['late', 5, 40],
    ]);
  });
});
