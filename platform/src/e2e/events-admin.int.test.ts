import { createEnvelope, DoseRecorded, type DoseRecordPayload } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

const dose = (): DoseRecordPayload => ({
  doseRecordId: '11111111-1111-4111-8111-111111111111',
  personId: '22222222-2222-4222-8222-222222222222',
  nikHash: null,
  programme: 'COVID19',
  doseKind: 'BOOSTER_1',
  antigen: 'COVID19',
  doseNumber: 3,
  productCode: 'PFIZER',
  lotNumber: 'L-1',
  facilityId: '6f1c2a10-0000-4000-8000-000000000002',
  administeredAt: '2026-11-20T02:00:00.000Z',
  appointmentId: null,
  slipCode: null,
  valid: true,
  residenceKelurahanCode: '33.74.01.1001',
  birthDate: '1990-01-01',
  sex: 'MALE',
});

describe('failed deliveries are visible to admins and replayable through the gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('evadmin', { background: false });
  });
  afterAll(async () => platform?.close());

  test('an event of an unknown version is dead-lettered, listed, counted on /ready, and a retry that still fails says why', async () => {
    const unknown = { ...createEnvelope(DoseRecorded, 'immunization', 'p-1', dose()), version: 99 };
    const next = createEnvelope(DoseRecorded, 'immunization', 'p-2', { ...dose(), doseRecordId: '33333333-3333-4333-8333-333333333333' });
    await platform.services.reporting.runtime.events.transport.append([unknown, next]);
    for (const consumer of platform.services.reporting.runtime.events.consumers) await consumer.drain();

    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    type Page = {
      admin: {
        reporting: {
          deadLetters: {
            totalCount: number;
            edges: { node: { id: string; service: string; consumer: string; type: string; version: number; error: string } }[];
          };
        };
      };
    };
    const LIST = `{ admin { reporting { deadLetters { totalCount edges { node { id service consumer type version error } } } } } }`;
    const listed = await gql<Page>(platform.gatewayUrl, LIST, {}, { token: admin });
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.admin.reporting.deadLetters.totalCount).toBe(1);
    const deadLetters = listed.data!.admin.reporting.deadLetters.edges.map((e) => e.node);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        service: 'reporting',
        consumer: 'reporting.coverage',
        type: 'dose.recorded',
        version: 99,
        error: 'no handler for dose.recorded version 99',
      }),
    ]);

    const ready = (await (await fetch(new URL('/ready', platform.services.reporting.url))).json()) as {
      checks: { events: { consumers: { consumer: string; deadLetters: number; lag: number }[] } };
    };
    expect(ready.checks.events.consumers.find((c) => c.consumer === 'reporting.coverage')).toMatchObject({ deadLetters: 1, lag: 0 });

    const retry = await gql(
      platform.gatewayUrl,
      `mutation($id: ID!) { admin { reporting { retryDeadLetter(id: $id) { id resolvedAt } } } }`,
      { id: deadLetters[0]!.id },
      { token: admin },
    );
    expect(retry.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      messageEn: 'The event still fails: no handler for dose.recorded version 99',
    });

    const partner = await platform.token({ role: 'partner', sub: 'opd-1' });
    const refused = await gql(platform.gatewayUrl, LIST, {}, { token: partner });
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  test('dead letters come a page at a time; the cursor walks each once, and two services answer in one request', async () => {
    const more = [1, 2, 3].map((i) => ({
      ...createEnvelope(DoseRecorded, 'immunization', `p-page-${i}`, {
        ...dose(),
        doseRecordId: `44444444-4444-4444-8444-44444444444${i}`,
      }),
      version: 98,
    }));
    await platform.services.reporting.runtime.events.transport.append(more);
    for (const consumer of platform.services.reporting.runtime.events.consumers) await consumer.drain();
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    const PAGE = `query($after: String) { admin { reporting { deadLetters(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } } }`;
    type Page = {
      admin: {
        reporting: {
          deadLetters: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            edges: { node: { id: string } }[];
          };
        };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 5; round++) {
      const page: Awaited<ReturnType<typeof gql<Page>>> = await gql<Page>(platform.gatewayUrl, PAGE, { after }, { token: admin });
      expect(page.errors).toBeUndefined();
      const letters = page.data!.admin.reporting.deadLetters;
      expect(letters.totalCount).toBeGreaterThanOrEqual(4);
      expect(letters.edges.length).toBeLessThanOrEqual(2);
      seen.push(...letters.edges.map((e) => e.node.id));
      if (!letters.pageInfo.hasNextPage) break;
      after = letters.pageInfo.endCursor;
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(seen);

    // The gateway joins two services' fields of the namespace (entity AdminQuery, key "admin").
    const both = await gql<{ admin: { reporting: { consumers: unknown[] }; inventory: { consumers: { service: string }[] } } }>(
      platform.gatewayUrl,
      `{ admin { reporting { consumers { consumer } } inventory { consumers { service } } } }`,
      {},
      { token: admin },
    );
    expect(both.errors).toBeUndefined();
    expect(both.data!.admin.reporting.consumers.length).toBeGreaterThan(0);
    expect(both.data!.admin.inventory.consumers.every((c) => c.service === 'inventory')).toBe(true);

    const badCursor = await gql(platform.gatewayUrl, PAGE, { after: 'bm90LWEtY3Vyc29y' }, { token: admin });
    expect(badCursor.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', messageId: 'badUserInput.after' });
  });

  test('an admin discards a dead letter with a reason: it leaves the open list, keeps who, when and why, and cannot be discarded twice', async () => {
    const poison = { ...createEnvelope(DoseRecorded, 'immunization', 'p-discard', dose()), version: 97 };
    await platform.services.reporting.runtime.events.transport.append([poison]);
    for (const consumer of platform.services.reporting.runtime.events.consumers) await consumer.drain();
    const admin = await platform.token({ role: 'admin', sub: 'admin-discard' });
    type Letter = {
      id: string;
      version: number;
      resolvedAt: string | null;
      discardedAt: string | null;
      discardedBy: string | null;
      discardReason: string | null;
    };
    const OPEN = `{ admin { reporting { deadLetters(first: 200) { totalCount edges { node { id version } } } } } }`;
    const open = await gql<{ admin: { reporting: { deadLetters: { totalCount: number; edges: { node: Letter }[] } } } }>(
      platform.gatewayUrl,
      OPEN,
      {},
      { token: admin },
    );
    const target = open.data!.admin.reporting.deadLetters.edges.find((e) => e.node.version === 97)!.node;
    const openBefore = open.data!.admin.reporting.deadLetters.totalCount;

    const DISCARD = `mutation($id: ID!, $reason: String!) { admin { reporting { discardDeadLetter(id: $id, reason: $reason) {
      id resolvedAt discardedAt discardedBy discardReason } } } }`;
    const reasons = { reason: 'Version 97 was never released; nothing to apply' };

    // Only admins: a health worker and a partner are refused, and the letter stays open.
    for (const role of ['health-worker', 'partner'] as const) {
      const other = await platform.token({ role, sub: `${role}-1`, facilityId: '6f1c2a10-0000-4000-8000-000000000002' });
      const refused = await gql(platform.gatewayUrl, DISCARD, { id: target.id, ...reasons }, { token: other });
      expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    // A reason is required: an empty one is a field error, and nothing changes.
    const noReason = await gql(platform.gatewayUrl, DISCARD, { id: target.id, reason: '  ' }, { token: admin });
    expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason', messageId: 'badUserInput.reason' });

    const before = Date.now();
    const done = await gql<{ admin: { reporting: { discardDeadLetter: Letter } } }>(
      platform.gatewayUrl,
      DISCARD,
      { id: target.id, ...reasons },
      { token: admin },
    );
    expect(done.errors).toBeUndefined();
    const discarded = done.data!.admin.reporting.discardDeadLetter;
    expect(discarded).toMatchObject({ id: target.id, discardedBy: 'admin-discard', discardReason: reasons.reason });
    expect(Date.parse(discarded.discardedAt!)).toBeGreaterThanOrEqual(before - 5_000);
    expect(discarded.resolvedAt).toBe(discarded.discardedAt);

    const after = await gql<{ admin: { reporting: { deadLetters: { totalCount: number; edges: { node: Letter }[] } } } }>(
      platform.gatewayUrl,
      OPEN,
      {},
      { token: admin },
    );
    expect(after.data!.admin.reporting.deadLetters.totalCount).toBe(openBefore - 1);
    expect(after.data!.admin.reporting.deadLetters.edges.some((e) => e.node.id === target.id)).toBe(false);

    // Listed among the resolved ones with its audit; a second discard (or a retry) is a conflict.
    const all = await gql<{ admin: { reporting: { deadLetters: { edges: { node: Letter }[] } } } }>(
      platform.gatewayUrl,
      `{ admin { reporting { deadLetters(first: 200, includeResolved: true) { edges { node { id version resolvedAt discardedAt discardedBy discardReason } } } } } }`,
      {},
      { token: admin },
    );
    expect(all.data!.admin.reporting.deadLetters.edges.find((e) => e.node.id === target.id)!.node).toEqual({ ...discarded, version: 97 });
    const again = await gql(platform.gatewayUrl, DISCARD, { id: target.id, ...reasons }, { token: admin });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    const unknown = await gql(platform.gatewayUrl, DISCARD, { id: '999999999', ...reasons }, { token: admin });
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', messageId: 'notFound.failedDelivery' });
  });
});
