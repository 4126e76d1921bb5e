import { expect, test } from 'vitest';
import { centreCards, todayInJakarta } from './centres.js';
import type { FindCentresQuery } from './gql/graphql.js';

const facility = (id: string, name: string): FindCentresQuery['facilities']['edges'][number]['node'] => ({
  id,
  name,
  type: 'PUSKESMAS',
  address: 'Jl.',
  kelurahanCode: '33.74.01.1001',
  latitude: -6.986,
  longitude: 110.413,
  area: { code: '33.74.01.1001', name: 'Miroto' },
  openingHours: [],
  stock: [{ usableDoses: 5, product: { code: 'PFIZER', name: 'Comirnaty', programme: 'COVID19' } }],
});
const session = (id: string, facilityId: string, date: string, remainingPlaces: number, servedCount = 0) => ({
  node: {
    id,
    date,
    startTime: '08:00',
    endTime: '09:00',
    programme: 'COVID19',
    remainingPlaces,
    servedCount,
    status: 'OPEN' as const,
    facility: { id: facilityId },
    product: { code: 'PFIZER', name: 'Comirnaty' },
  },
});

test('centres with places first, soonest first; then the rest by name; served adds up', () => {
  const cards = centreCards({
    facilities: { edges: [facility('a', 'Alpha'), facility('b', 'Beta'), facility('c', 'Gamma')].map((node) => ({ node })) },
    sessions: {
      edges: [session('s1', 'c', '2026-12-05', 3, 4), session('s2', 'b', '2026-12-03', 1), session('s3', 'a', '2026-12-02', 0, 2)],
    },
  });
  expect(cards.map((c) => c.name)).toEqual(['Beta', 'Gamma', 'Alpha']);
  expect(cards[1]!.next).toEqual({ date: '2026-12-05', startTime: '08:00', sessionId: 's1' });
  expect(cards[2]!.next).toBeUndefined();
  expect(cards[2]!.served).toBe(2);
  expect(cards[0]!.programmes).toEqual(['COVID19']);
});

test('the city vaccine store is not a place to be vaccinated and is not listed', () => {
  const cards = centreCards({
    facilities: {
      edges: [facility('a', 'Alpha'), { ...facility('store', 'Gudang Farmasi'), type: 'CITY_STORE' as const }].map((node) => ({ node })),
    },
    sessions: { edges: [] },
  });
  expect(cards.map((c) => c.name)).toEqual(['Alpha']);
  expect(cards[0]).toMatchObject({ latitude: -6.986, longitude: 110.413 });
});

test('today is the date in Semarang, not UTC', () => {
  expect(todayInJakarta(new Date('2026-12-01T18:30:00Z'))).toBe('2026-12-02');
});
