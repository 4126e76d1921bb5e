/**
 * The living demo of `npm start` (development): after the services' demo top-ups, the journeys of the
 * README work at once, against the real gateway and real PostgreSQL, and a restart adds nothing twice.
 */
import pg from 'pg';
import { topUpDemoSessions } from '../../../services/booking/src/seeders/demo-sessions.seeder.js';
import { DEMO_PEOPLE } from '../../../services/immunization/src/seeders/demo-people.seeder.js';
import { topUpDemoStock } from '../../../services/inventory/src/seeders/demo-topup.seeder.js';
import { loadBookingConfig } from '../../../services/booking/src/config.js';
import { inventorySettings } from '../../../services/inventory/src/config.js';
import { gql } from '@victori/shared/testing';
import { SERVICE_DEFINITIONS } from '../services.js';
import { startTestPlatform, type TestPlatform } from '../testing.js';

const DAY = 86_400_000;
const jakartaDate = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
const today = jakartaDate(new Date());
const tomorrow = jakartaDate(new Date(Date.now() + DAY));

let platform: TestPlatform;

async function runDemo(): Promise<void> {
  for (const name of ['inventory', 'booking', 'immunization'] as const) {
    await SERVICE_DEFINITIONS[name].demo!(platform.services[name].runtime);
  }
}

async function count(service: 'booking' | 'inventory' | 'immunization', sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: platform.databaseUrls.services[service] });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Retries `attempt` until it returns a value (events cross services asynchronously); bounded. */
async function eventually<T>(attempt: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const until = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting for the demo data to flow between services');
  }
}

beforeAll(async () => {
  platform = await startTestPlatform('demo');
  await runDemo();
});
afterAll(async () => {
  await platform?.close();
});

describe('the living demo', () => {
  test('an adult with primary doses books the COVID-19 booster at a demo session', async () => {
    const { adult } = DEMO_PEOPLE;
    const token = await platform.token({ role: 'citizen', sub: adult.accountId });
    const SEARCH = `query($f: SessionFilter) { sessions(filter: $f, first: 5) { edges { node { id date facility { code } slots { id remainingPlaces } } } } }`;
    type Search = { sessions: { edges: { node: { id: string; date: string; slots: { id: string; remainingPlaces: number }[] } }[] } };
    const slotId = await eventually(async () => {
      const res = await gql<Search>(platform.gatewayUrl, SEARCH, {
        f: { productCode: 'INDOVAC', doseKind: 'BOOSTER_1', dateFrom: tomorrow, hasPlaces: true, kecamatanCode: '33.74.01' },
      });
      expect(res.errors).toBeUndefined();
      return res.data!.sessions.edges[0]?.node.slots.find((s) => s.remainingPlaces > 0)?.id;
    });
    const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { status doseKind queueNumber } }`;
    const { nik, fullName, birthDate, sex, residenceKelurahanCode } = adult;
    const input = { nik, fullName, birthDate, sex, residenceKelurahanCode, phone: '081234567890', doseKind: 'BOOSTER_1', slotId };
    // The primary doses reach booking's dose history through events.
    const booked = await eventually(async () => {
      const res = await gql<{ bookAppointment: { status: string } }>(platform.gatewayUrl, BOOK, { i: input }, { token });
      return res.errors ? undefined : res.data!.bookAppointment;
    });
    expect(booked).toMatchObject({ status: 'BOOKED', doseKind: 'BOOSTER_1', queueNumber: 1 });
  });

  test("a mother sees her infant's due vaccines with demo sessions that have places and stock", async () => {
    const token = await platform.token({ role: 'citizen', sub: DEMO_PEOPLE.mother.accountId });
    const kids = await gql<{ myDependants: { id: string }[] }>(platform.gatewayUrl, `{ myDependants { id } }`, {}, { token });
    expect(kids.data!.myDependants).toHaveLength(1);
    const QUERY = `query($p: ID!, $from: Date!, $to: Date!, $kec: String) {
      dueAndAvailableSessions(personId: $p, from: $from, to: $to, kecamatanCode: $kec) { date productCode remainingPlaces usableDoses facilityName doses { doseKind } } }`;
    type Due = { dueAndAvailableSessions: { productCode: string; remainingPlaces: number; usableDoses: number; facilityName: string }[] };
    const found = await eventually(async () => {
      const res = await gql<Due>(
        platform.gatewayUrl,
        QUERY,
        { p: kids.data!.myDependants[0]!.id, from: today, to: jakartaDate(new Date(Date.now() + 13 * DAY)), kec: '33.74.01' },
        { token },
      );
      expect(res.errors).toBeUndefined();
      const products = new Set(res.data!.dueAndAvailableSessions.map((s) => s.productCode));
      return products.has('PENTABIO') && products.has('BCG') ? res.data!.dueAndAvailableSessions : undefined;
    });
    expect(found.every((s) => s.facilityName === 'Puskesmas Miroto' && s.remainingPlaces > 0 && s.usableDoses > 0)).toBe(true);
    // The birth dose is recorded: HB0 is no longer due.
    expect(found.some((s) => s.productCode === 'HB0')).toBe(false);
  });

  test('a restart adds nothing twice; days later sessions and stock are topped up ahead of the new today', async () => {
    const sessions = () => count('booking', `select count(*) as n from session`);
    const people = () => count('immunization', `select count(*) as n from person`);
    const doses = () => count('immunization', `select count(*) as n from dose_record`);
    const entries = () => count('inventory', `select count(*) as n from stock_ledger_entry`);
    const before = { sessions: await sessions(), people: await people(), doses: await doses(), entries: await entries() };
    expect(before.sessions).toBeGreaterThan(100);
    expect(before.people).toBe(3);
    await runDemo();
    expect({ sessions: await sessions(), people: await people(), doses: await doses(), entries: await entries() }).toEqual(before);

    const later = new Date(Date.now() + 8 * DAY);
    const booking = platform.services.booking.runtime;
    expect(await topUpDemoSessions(booking.orm, loadBookingConfig(booking.config.env), later)).toBeGreaterThan(0);
    const last = await count('booking', `select to_char(max(date), 'YYYYMMDD') as n from session`);
    // 13 days after the later today, or 12 when that day is a Sunday (no demo sessions on Sundays).
    const horizon = [13, 12].map((d) => Number(jakartaDate(new Date(later.getTime() + d * DAY)).replaceAll('-', '')));
    expect(horizon).toContain(last);
    await topUpDemoStock(platform.services.inventory.runtime.orm, inventorySettings(platform.services.inventory.runtime.config), later);
    expect(await entries()).toBeGreaterThan(before.entries);
  });
});
