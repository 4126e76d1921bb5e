/** "Near me": great-circle distance from the browser's position to each centre, and the order it gives. */
export interface Position {
  latitude: number;
  longitude: number;
}

const EARTH_KM = 6371;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Haversine distance in kilometres. */
export function distanceKm(a: Position, b: Position): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

interface Placed {
  name: string;
  next: unknown;
  latitude: number | null;
  longitude: number | null;
}

/**
 * Centres with a free place first, then those without (as on the district list), each group nearest first;
 * a centre without coordinates goes to the end of its group, by name.
 */
export function byDistance<T extends Placed>(cards: T[], from: Position): (T & { distanceKm: number | undefined })[] {
  return cards
    .map((c) => ({
      ...c,
      distanceKm:
        c.latitude === null || c.longitude === null ? undefined : distanceKm(from, { latitude: c.latitude, longitude: c.longitude }),
    }))
    .sort((a, b) => {
      if (!!a.next !== !!b.next) return a.next ? -1 : 1;
      if (a.distanceKm === undefined || b.distanceKm === undefined) {
        if (a.distanceKm !== b.distanceKm) return a.distanceKm === undefined ? 1 : -1;
        return a.name.localeCompare(b.name);
      }
      return a.distanceKm - b.distanceKm || a.name.localeCompare(b.name);
    });
}

/** "1,2 km" / "1.2 km"; under a kilometre in metres, rounded to 50 m. */
export function formatDistance(km: number, lang: string): string {
  const locale = lang === 'en' ? 'en-GB' : 'id-ID';
  if (km < 1) return `${new Intl.NumberFormat(locale).format(Math.max(50, Math.round((km * 1000) / 50) * 50))} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(km)} km`;
}

export type LocateResult = { ok: true; position: Position } | { ok: false; reason: 'denied' | 'unavailable' };

/** Asks the browser once; a refusal, a timeout or no GPS is an answer, never an exception. */
export function locate(geolocation: Geolocation | undefined = globalThis.navigator?.geolocation): Promise<LocateResult> {
  if (!geolocation) return Promise.resolve({ ok: false, reason: 'unavailable' });
  return new Promise((resolve) => {
    geolocation.getCurrentPosition(
      (p) => resolve({ ok: true, position: { latitude: p.coords.latitude, longitude: p.coords.longitude } }),
      (e) => resolve({ ok: false, reason: e.code === 1 ? 'denied' : 'unavailable' }),
      // A cheap phone indoors: coarse is enough to order centres, and a recent fix will do.
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  });
}
