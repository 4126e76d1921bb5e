import type { FindCentresQuery } from './gql/graphql.js';

export interface CentreCard {
  id: string;
  name: string;
  address: string;
  areaName: string;
  latitude: number | null;
  longitude: number | null;
  hours: { weekday: number; opens: string; closes: string }[];
  programmes: string[];
  products: string[];
  next: { date: string; startTime: string; sessionId: string } | undefined;
  served: number;
  sessions: { id: string; date: string; startTime: string; endTime: string; product: string; remainingPlaces: number }[];
}

/** Today's date in Semarang (Asia/Jakarta), YYYY-MM-DD. */
export const todayInJakarta = (now = new Date()): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(now);

/**
 * One card per centre: its programmes and products (from stock and sessions), the next session with a
 * free place, people served; centres with places first (soonest first), then the rest by name.
 */
export function centreCards(data: FindCentresQuery): CentreCard[] {
  const byFacility = new Map<string, FindCentresQuery['sessions']['edges'][number]['node'][]>();
  for (const { node } of data.sessions.edges) {
    const list = byFacility.get(node.facility.id) ?? [];
    list.push(node);
    byFacility.set(node.facility.id, list);
  }
  // The city vaccine store supplies the centres; nobody is vaccinated there.
  const cards = data.facilities.edges
    .map((e) => e.node)
    .filter((f) => f.type !== 'CITY_STORE')
    .map((f): CentreCard => {
      const sessions = (byFacility.get(f.id) ?? [])
        .slice()
        .sort((a, b) => `${a.date}${a.startTime}`.localeCompare(`${b.date}${b.startTime}`));
      const open = sessions.filter((s) => s.remainingPlaces > 0 && s.status === 'OPEN');
      // Stock and products come from inventory: while it is unavailable they are null and the card shows what booking knows.
      const stock = (f.stock ?? []).filter((s) => s.usableDoses > 0);
      const programmes = new Set<string>([...stock.map((s) => s.product.programme), ...sessions.map((s) => s.programme)]);
      const products = new Set<string>([
        ...stock.map((s) => s.product.name),
        ...sessions.flatMap((s) => (s.product ? [s.product.name] : [])),
      ]);
      const first = open[0];
      return {
        id: f.id,
        name: f.name,
        address: f.address,
        areaName: f.area?.name ?? '',
        latitude: f.latitude ?? null,
        longitude: f.longitude ?? null,
        hours: f.openingHours,
        programmes: [...programmes].sort(),
        products: [...products].sort(),
        next: first ? { date: first.date, startTime: first.startTime, sessionId: first.id } : undefined,
        served: sessions.reduce((n, s) => n + s.servedCount, 0),
        sessions: open.map((s) => ({
          id: s.id,
          date: s.date,
          startTime: s.startTime,
          endTime: s.endTime,
          product: s.product?.name ?? '—',
          remainingPlaces: s.remainingPlaces,
        })),
      };
    });
  return cards.sort((a, b) => {
    if (a.next && b.next)
      return `${a.next.date}${a.next.startTime}`.localeCompare(`${b.next.date}${b.next.startTime}`) || a.name.localeCompare(b.name);
    if (a.next) return -1;
    if (b.next) return 1;
    return a.name.localeCompare(b.name);
  });
}
