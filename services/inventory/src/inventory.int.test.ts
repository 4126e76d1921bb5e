import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DoseRecorded, publish, SessionOpened } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';
import { dosePayload } from './testing/inventory-db.js';

const CITY_STORE = '6f1c2a10-0000-4000-8000-000000000001';
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { lot { id lotNumber } entries { reason quantity balanceAfter actor } } }`;
const TRANSFER = `mutation($input: TransferStockInput!) { transferStock(input: $input) { entries { facilityId reason quantity balanceAfter } } }`;
const LEDGER = `query($f: ID) { stockLedger(facilityId: $f) { totalCount edges { node { reason quantity actor lotNumber product { code } } } } }`;

describe('inventory through the gateway', () => {
  let platform: TestPlatform;
  let tokens: Record<string, string>;
  let lotId: string;

  beforeAll(async () => {
    platform = await startTestPlatform('inventory', { background: false });
    tokens = {
      admin: await platform.token({ role: 'admin', sub: 'admin-1' }),
      store: await platform.token({ role: 'health-worker', sub: 'hw-store', facilityId: CITY_STORE }),
      miroto: await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO }),
      bandarharjo: await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO }),
      partner: await platform.token({ role: 'partner', sub: 'bappeda' }),
      citizen: await platform.token({ role: 'citizen', sub: 'citizen-1' }),
    };
  });
  afterAll(async () => {
    await platform?.close();
  });

  const as = (who: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
    gql<Record<string, unknown>>(platform.gatewayUrl, query, variables, who ? { token: tokens[who] } : {});
  const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

  test('receiving into the city store: admins and the store’s health workers; nobody else', async () => {
    const input = { productCode: 'INDOVAC', lotNumber: 'GW-1', expiryDate: inDays(120), doses: 200 };
    expect(code(await as(undefined, RECEIVE, { input }))).toBe('UNAUTHENTICATED');
    for (const who of ['partner', 'citizen', 'miroto']) expect(code(await as(who, RECEIVE, { input }))).toBe('FORBIDDEN');
    const res = await as('store', RECEIVE, { input });
    expect(res.errors).toBeUndefined();
    const data = res.data!.receiveStock as { lot: { id: string }; entries: unknown[] };
    expect(data.entries).toEqual([{ reason: 'RECEIPT', quantity: 200, balanceAfter: 200, actor: 'health-worker:hw-store' }]);
    lotId = data.lot.id;
    expect(code(await as('admin', RECEIVE, { input: { ...input, doses: 0 } }))).toBe('BAD_USER_INPUT');
  });

  test('health workers move stock of their own facility only; admins everywhere', async () => {
    const toMiroto = { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId, doses: 50 };
    expect(code(await as('miroto', TRANSFER, { input: toMiroto }))).toBe('FORBIDDEN');
    expect(code(await as('partner', TRANSFER, { input: toMiroto }))).toBe('FORBIDDEN');
    const ok = await as('admin', TRANSFER, { input: toMiroto });
    expect(ok.errors).toBeUndefined();
    const onward = { fromFacilityId: MIROTO, toFacilityId: BANDARHARJO, lotId, doses: 5 };
    expect(code(await as('bandarharjo', TRANSFER, { input: onward }))).toBe('FORBIDDEN');
    expect((await as('miroto', TRANSFER, { input: onward })).errors).toBeUndefined();
    const adjust = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { entries { reason quantity } } }`;
    const damage = { facilityId: MIROTO, lotId, reason: 'DAMAGED', doses: 1 };
    expect(code(await as('bandarharjo', adjust, { i: damage }))).toBe('FORBIDDEN');
    expect((await as('miroto', adjust, { i: damage })).data).toEqual({ adjustStock: { entries: [{ reason: 'DAMAGED', quantity: -1 }] } });
    const count = `mutation($i: PhysicalCountInput!) { recordPhysicalCount(input: $i) { entries { quantity balanceAfter } } }`;
    expect(code(await as('bandarharjo', count, { i: { facilityId: MIROTO, lotId, countedDoses: 40 } }))).toBe('FORBIDDEN');
    expect((await as('miroto', count, { i: { facilityId: MIROTO, lotId, countedDoses: 43 } })).data).toEqual({
      recordPhysicalCount: { entries: [{ quantity: -1, balanceAfter: 43 }] },
    });
    const tooMuch = await as('miroto', TRANSFER, { input: { ...onward, doses: 1000 } });
    expect(code(tooMuch)).toBe('INSUFFICIENT_STOCK');
    expect(tooMuch.errors![0]!.extensions!.messageEn).toMatch(/Not enough stock/);
  });

  test('ledger details with actors: health workers of that facility and admins; partners and the public read aggregates only', async () => {
    expect(code(await as(undefined, LEDGER, { f: MIROTO }))).toBe('UNAUTHENTICATED');
    expect(code(await as('partner', LEDGER, { f: MIROTO }))).toBe('FORBIDDEN');
    expect(code(await as('partner', LEDGER))).toBe('FORBIDDEN');
    expect(code(await as('bandarharjo', LEDGER, { f: MIROTO }))).toBe('FORBIDDEN');
    const own = await as('miroto', LEDGER);
    expect(own.errors).toBeUndefined();
    expect(
      (own.data!.stockLedger as { edges: { node: { reason: string; actor: string } }[] }).edges.map(({ node: e }) => [e.reason, e.actor]),
    ).toEqual([
      ['PHYSICAL_COUNT', 'health-worker:hw-miroto'],
      ['DAMAGED', 'health-worker:hw-miroto'],
      ['TRANSFER_OUT', 'health-worker:hw-miroto'],
      ['TRANSFER_IN', 'admin:admin-1'],
    ]);
    expect((await as('admin', LEDGER, { f: MIROTO })).errors).toBeUndefined();
    expect(code(await as('partner', `{ doseReconciliations { totalCount } }`))).toBe('FORBIDDEN');
    expect(code(await as('partner', `mutation { recallLot(lotId: "${lotId}", reason: "x") { totalDosesRemoved } }`))).toBe('FORBIDDEN');
    expect(code(await as('miroto', `mutation { recallLot(lotId: "${lotId}", reason: "x") { totalDosesRemoved } }`))).toBe('FORBIDDEN');
    expect(code(await as('partner', `{ fefoSuggestion(facilityId: "${MIROTO}", productCode: "INDOVAC", doses: 5) { shortfall } }`))).toBe(
      'FORBIDDEN',
    );
    // Aggregates are public.
    for (const who of [undefined, 'partner', 'citizen']) {
      const board = await as(
        who,
        `{ stockBoard(productCode: "INDOVAC") { city { usableDoses product { name } } kecamatan { kecamatanName } } }`,
      );
      expect(board.errors).toBeUndefined();
    }
  });

  test('Facility.stock extends booking’s facilities through federation; the board names facilities through booking', async () => {
    const res = await as(
      undefined,
      `{ facilities(type: PUSKESMAS) { edges { node { code stock { usableDoses onHandDoses product { code name } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const facilities = (
      res.data!.facilities as { edges: { node: { code: string; stock: { usableDoses: number; product: { code: string } }[] } }[] }
    ).edges.map((e) => e.node);
    const miroto = facilities.find((f) => f.code === 'PKM-MIROTO')!;
    expect(miroto.stock).toEqual([{ usableDoses: 43, onHandDoses: 43, product: { code: 'INDOVAC', name: 'IndoVac' } }]);
    expect(facilities.find((f) => f.code === 'PKM-MIJEN')!.stock).toEqual([]);
    const board = await as(
      undefined,
      `{ stockBoard(facilityId: "${MIROTO}") { facilities { facilityCode facility { name } totals { productCode usableDoses } } } }`,
    );
    expect(board.data).toEqual({
      stockBoard: {
        facilities: [
          { facilityCode: 'PKM-MIROTO', facility: { name: 'Puskesmas Miroto' }, totals: [{ productCode: 'INDOVAC', usableDoses: 43 }] },
        ],
      },
    });
    const lots = await as(
      undefined,
      `{ lots(productCode: "INDOVAC", facilityId: "${MIROTO}") { edges { node { lotNumber onHandDoses holdings { facility { name } balance usable } } } } }`,
    );
    expect(lots.errors).toBeUndefined();
    expect((lots.data!.lots as { edges: { node: { lotNumber: string } }[] }).edges.map((e) => e.node.lotNumber)).toEqual(['GW-1']);
  });

  test('dose.recorded events from immunization take doses exactly once through the real event bus; unknown lots are flagged', async () => {
    const immunization = platform.services.immunization.runtime;
    const inventory = platform.services.inventory.runtime;
    const dose = dosePayload({ facilityId: MIROTO, productCode: 'INDOVAC', lotNumber: 'GW-1' });
    const stray = dosePayload({ facilityId: MIROTO, productCode: 'INDOVAC', lotNumber: 'NOT-A-LOT' });
    await (immunization.orm.em.fork() as EntityManager).transactional(async (tx) => {
      await publish(tx, 'immunization', DoseRecorded, dose.personId, dose);
      await publish(tx, 'immunization', DoseRecorded, dose.personId, dose); // a redelivery with a new event id
      await publish(tx, 'immunization', DoseRecorded, stray.personId, stray);
    });
    while ((await immunization.events.relay.relayOnce()) > 0);
    const consumer = inventory.events.consumers.find((c) => c.name === 'inventory.administrations')!;
    await consumer.drain();
    const stock = await as(undefined, `{ facilities(type: PUSKESMAS) { edges { node { code stock { usableDoses } } } } }`);
    expect(
      (stock.data!.facilities as { edges: { node: { code: string; stock: { usableDoses: number }[] } }[] }).edges
        .map((e) => e.node)
        .find((f) => f.code === 'PKM-MIROTO')!.stock,
    ).toEqual([{ usableDoses: 42 }]);
    const recon = await as(
      'miroto',
      `{ doseReconciliations { totalCount pageInfo { hasNextPage } edges { node { doseRecordId lotNumber reason status } } } }`,
    );
    expect(recon.data).toEqual({
      doseReconciliations: {
        totalCount: 1,
        pageInfo: { hasNextPage: false },
        edges: [{ node: { doseRecordId: stray.doseRecordId, lotNumber: 'NOT-A-LOT', reason: 'UNKNOWN_LOT', status: 'FLAGGED' } }],
      },
    });
    expect(
      code(
        await as(
          'bandarharjo',
          `mutation { resolveDoseReconciliation(doseRecordId: "${stray.doseRecordId}", resolution: "x") { status } }`,
        ),
      ),
    ).toBe('FORBIDDEN');
    const resolved = await as(
      'admin',
      `mutation { resolveDoseReconciliation(doseRecordId: "${stray.doseRecordId}", resolution: "lot typo, counted") { resolvedBy } }`,
    );
    expect(resolved.data).toEqual({ resolveDoseReconciliation: { resolvedBy: 'admin:admin-1' } });
    // The booking cap went out on the bus.
    while ((await inventory.events.relay.relayOnce()) > 0);
    const caps = await inventory.events.transport.read(0, ['stock.usable-changed'], 1000);
    expect(caps.filter((e) => (e.payload as { facilityId: string }).facilityId === MIROTO).at(-1)!.payload).toMatchObject({
      productCode: 'INDOVAC',
      usableDoses: 42,
    });
  });

  test('a recall reports the affected facilities and the open sessions booking published', async () => {
    const booking = platform.services.booking.runtime;
    const sessionId = randomUUID();
    await (booking.orm.em.fork() as EntityManager).transactional((tx) =>
      publish(tx, 'booking', SessionOpened, sessionId, {
        sessionId,
        facilityId: MIROTO,
        date: inDays(3),
        startTime: '08:00',
        endTime: '12:00',
        programme: 'COVID19',
        productCode: 'INDOVAC',
        doseKinds: ['BOOSTER_1'],
        capacity: 60,
        status: 'OPEN',
      }),
    );
    while ((await booking.events.relay.relayOnce()) > 0);
    await platform.services.inventory.runtime.events.consumers.find((c) => c.name === 'inventory.sessions')!.drain();
    const res = await as(
      'admin',
      `mutation { recallLot(lotId: "${lotId}", reason: "BPOM: partikel asing") { totalDosesRemoved lot { recalled } facilities { facilityCode dosesRemoved usableDosesAfter } sessions { sessionId capacity usableDosesAfter } } }`,
    );
    expect(res.errors).toBeUndefined();
    const report = res.data!.recallLot as { totalDosesRemoved: number; facilities: { facilityCode: string }[]; sessions: unknown[] };
    expect(report.facilities.map((f) => f.facilityCode).sort()).toEqual(['GF-CITY', 'PKM-BANDARHARJO', 'PKM-MIROTO']);
    expect(report.totalDosesRemoved).toBe(150 + 42 + 5);
    expect(report.sessions).toEqual([{ sessionId, capacity: 60, usableDosesAfter: 0 }]);
  });

  test('malformed ids are typed errors, never a 500', async () => {
    expect(code(await as('admin', TRANSFER, { input: { fromFacilityId: 'x', toFacilityId: MIROTO, lotId: 'y', doses: 1 } }))).toBe(
      'NOT_FOUND',
    );
    expect(code(await as('admin', `mutation { openVial(facilityId: "${MIROTO}", lotId: "nope") { id } }`))).toBe('NOT_FOUND');
    // Not a DateTime: refused by the scalar, inline by validation, as a variable by coercion (a named field error).
    expect(code(await as('admin', `{ stockLedger(facilityId: "${MIROTO}", from: "yesterday") { edges { node { id } } } }`))).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(
      code(
        await as('admin', `query($from: DateTime) { stockLedger(facilityId: "${MIROTO}", from: $from) { edges { node { id } } } }`, {
          from: 'yesterday',
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect((await as(undefined, `{ expiringLots(withinDays: 30, facilityId: "zzz") { doses } }`)).data).toEqual({ expiringLots: [] });
  });
});
