import { freshDatabase } from '../testing/index.js';
import { createEnvelope, defineEvent } from './envelope.js';
import { LISTENING_IDLE_MS, migrateBus, PgLogTransport } from './pg-transport.js';
import { z } from 'zod';

const Pinged = defineEvent('test.Pinged', 1, z.object({ n: z.number() }));

/**
 * The bus's LISTEN/NOTIFY wake-up as a service's several consumers meet it at start: they all wait on one
 * transport at once, before its LISTEN connection is up. One that went on while LISTEN was still connecting
 * slept LISTENING_IDLE_MS (30 s) with events waiting (inventory's consumers after every start).
 */
describe('waiting for new events on the PostgreSQL bus', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const open: PgLogTransport[] = [];
  beforeAll(async () => {
    db = await freshDatabase('buslisten');
    await migrateBus(db.url);
  });
  afterAll(async () => {
    for (const t of open) await t.close();
    await db.drop();
  });
  const transport = (): PgLogTransport => {
    const t = new PgLogTransport(db.url);
    open.push(t);
    return t;
  };

  test('consumers that wait together before LISTEN is up all wait only their own short timeout', async () => {
    const bus = transport();
    const began = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => bus.waitForNew(200)));
    expect(performance.now() - began).toBeLessThan(LISTENING_IDLE_MS / 6);
  });

  test('once the bus is quiet, an append wakes every waiting consumer at once, not after the 30 s safety net', async () => {
    const bus = transport();
    await bus.waitForNew(10);
    // Quiet: no notification for longer than the bus's quiet period, so the waits stretch to LISTENING_IDLE_MS.
    await new Promise((r) => setTimeout(r, 2500));
    const began = performance.now();
    const woken = Promise.all(Array.from({ length: 4 }, () => bus.waitForNew(200).then(() => performance.now() - began)));
    await new Promise((r) => setTimeout(r, 300));
    // Appended by another process's transport (another service's relay).
    await transport().append([createEnvelope(Pinged, 'test', 'agg-1', { n: 1 })]);
    const after = await woken;
    expect(Math.max(...after)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...after)).toBeLessThan(5000);
  });
});
