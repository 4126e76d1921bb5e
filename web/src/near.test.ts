import { expect, test } from 'vitest';
import { byDistance, distanceKm, formatDistance, locate } from './near.js';

// Coordinates from data/demo-facilities.csv.
const MIROTO = { latitude: -6.986, longitude: 110.413 };
const BANDARHARJO = { latitude: -6.956, longitude: 110.423 };
const SRONDOL = { latitude: -7.055, longitude: 110.417 };

test('distance between two Semarang puskesmas, in kilometres', () => {
  expect(distanceKm(MIROTO, BANDARHARJO)).toBeCloseTo(3.5, 1);
  expect(distanceKm(MIROTO, MIROTO)).toBe(0);
});

const card = (name: string, at: { latitude: number; longitude: number } | undefined, places: boolean) => ({
  name,
  next: places ? { date: '2026-12-03' } : undefined,
  latitude: at?.latitude ?? null,
  longitude: at?.longitude ?? null,
});

test('nearest first among centres with places; centres without places after them, also nearest first', () => {
  const sorted = byDistance(
    [
      card('Srondol', SRONDOL, false),
      card('Miroto', MIROTO, true),
      card('Nowhere', undefined, true),
      card('Bandarharjo', BANDARHARJO, true),
      card('Bandarharjo 2', BANDARHARJO, false),
    ],
    { latitude: -6.957, longitude: 110.422 },
  );
  expect(sorted.map((c) => c.name)).toEqual(['Bandarharjo', 'Miroto', 'Nowhere', 'Bandarharjo 2', 'Srondol']);
  expect(sorted[0]!.distanceKm).toBeLessThan(0.2);
  expect(sorted[2]!.distanceKm).toBeUndefined();
});

test('distances read the way each language writes numbers', () => {
  expect(formatDistance(3.456, 'id')).toBe('3,5 km');
  expect(formatDistance(3.456, 'en')).toBe('3.5 km');
  expect(formatDistance(0.123, 'en')).toBe('100 m');
  expect(formatDistance(0.01, 'id')).toBe('50 m');
});

const fakeGeolocation = (answer: { coords?: { latitude: number; longitude: number }; code?: number }): Geolocation =>
  ({
    getCurrentPosition: (ok: PositionCallback, fail?: PositionErrorCallback | null) => {
      if (answer.coords) ok({ coords: answer.coords } as GeolocationPosition);
      else fail?.({ code: answer.code } as GeolocationPositionError);
    },
  }) as unknown as Geolocation;

test('the browser’s answer: a position, a refusal, or nothing to ask', async () => {
  await expect(locate(fakeGeolocation({ coords: MIROTO }))).resolves.toEqual({ ok: true, position: MIROTO });
  await expect(locate(fakeGeolocation({ code: 1 }))).resolves.toEqual({ ok: false, reason: 'denied' });
  await expect(locate(fakeGeolocation({ code: 3 }))).resolves.toEqual({ ok: false, reason: 'unavailable' });
  await expect(locate(undefined)).resolves.toEqual({ ok: false, reason: 'unavailable' });
});
