import { randomUUID } from 'node:crypto';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { encodeClaims, Env, HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, QueryCounter, signClaims } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../../platform/src/testing.js';

/** Demo facilities (data/demo-facilities.csv), seeded by booking. */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';

const CREATE = `mutation($i: CreateFeedbackRecordInput!) { createFeedbackRecord(input: $i) { id title facility { id name } } }`;

describe('feedback records through the edge and the gateway', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  let url: string;
  const queries = new QueryCounter();
  const tokens: Record<string, string> = {};
  const as = (who: string, query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, { token: tokens[who] });

  beforeAll(async () => {
    platform = await startTestPlatform('feedback-records', { queryCounters: { feedback: queries } });
    edge = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin, LOG_LEVEL: 'silent' })),
    );
    url = edge.url;
    tokens.miroto = await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    tokens.bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO });
    tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    tokens.citizen = await platform.token({ role: 'citizen', sub: 'citizen-1' });
  });
  afterAll(async () => {
    await edge?.close();
    await platform?.close();
  });

  test("a facility's health worker creates a record; it joins booking's facility in one answer", async () => {
    const res = await as('miroto', CREATE, { i: { facilityId: MIROTO, title: '  Kunjungan   sekolah ' } });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      createFeedbackRecord: {
        id: expect.any(String),
        title: 'Kunjungan sekolah',
        facility: { id: MIROTO, name: expect.stringContaining('Miroto') },
      },
    });
  });

  test("another facility's health worker and citizens are refused; nothing is written", async () => {
    const other = await as('bandarharjo', CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const citizen = await as('citizen', CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(citizen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await gql(url, CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const list = await as('admin', `query($id: ID!) { facility(id: $id) { feedbackRecords { title } } }`, { id: MIROTO });
    expect(list.data).toEqual({ facility: { feedbackRecords: [{ title: 'Kunjungan sekolah' }] } });
  });

  test('a submission with two wrong fields gets both errors at once, in Indonesian and English', async () => {
    const res = await as('admin', CREATE, { i: { facilityId: MIROTO, title: 'x' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'title',
      messageEn: 'The title must be 3 to 200 characters',
    });
    const both = await as('admin', CREATE, { i: { facilityId: 'nope', title: '' } });
    expect(both.errors?.[0]?.extensions?.fields).toHaveLength(2);
  });

  test('a record is a federated entity: references are resolved in one batched statement, behind the policy', async () => {
    const created = await Promise.all(
      ['Satu', 'Dua', 'Tiga'].map((t) => as('miroto', CREATE, { i: { facilityId: MIROTO, title: `Catatan ${t}` } })),
    );
    const ids = created.map((r) => (r.data as { createFeedbackRecord: { id: string } }).createFeedbackRecord.id);
    const one = await as('miroto', `query($id: ID!) { feedbackRecord(id: $id) { id title facility { id } } }`, { id: ids[0] });
    expect(one.data).toEqual({ feedbackRecord: { id: ids[0], title: 'Catatan Satu', facility: { id: MIROTO } } });
    // What the gateway sends when another subgraph returns FeedbackRecord { id }: one _entities call, signed.
    const claims = encodeClaims({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    const requestId = randomUUID();
    queries.reset();
    const res = await fetch(platform.services.feedback.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [HEADER_REQUEST_ID]: requestId,
        [HEADER_CLAIMS]: claims,
        [HEADER_SIGNATURE]: signClaims(platform.secrets.gatewaySecret, requestId, claims),
      },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on FeedbackRecord { id title } } }',
        variables: { r: ids.map((id) => ({ __typename: 'FeedbackRecord', id })) },
      }),
    });
    const body = (await res.json()) as { data: { _entities: { id: string; title: string }[] } };
    expect(body.data._entities.map((e) => e.title)).toEqual(['Catatan Satu', 'Catatan Dua', 'Catatan Tiga']);
    expect(queries.count).toBe(1);
  });

  test('one answer for a stranger whether a record exists or not; admins learn it does not', async () => {
    const list = await as('miroto', `query($id: ID!) { facility(id: $id) { feedbackRecords { id } } }`, { id: MIROTO });
    const existing = (list.data as { facility: { feedbackRecords: { id: string }[] } }).facility.feedbackRecords[0]!.id;
    const nobody = '00000000-0000-4000-8000-000000000000';
    const codes = async (who: string, id: string | undefined) =>
      (await as(who, `query($id: ID!) { feedbackRecord(id: $id) { id } }`, { id })).errors?.[0]?.extensions?.code;
    expect(await codes('bandarharjo', existing)).toBe('FORBIDDEN');
    expect(await codes('bandarharjo', nobody)).toBe('FORBIDDEN');
    expect(await codes('admin', nobody)).toBe('NOT_FOUND');
  });

  test('each record is published as feedback.record-created (outbox, then the event log)', async () => {
    const transport = platform.services.feedback.runtime.events.transport;
    const deadline = Date.now() + 15_000;
    let events = await transport.read(0, ['feedback.record-created'], 100);
    while (events.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await transport.read(0, ['feedback.record-created'], 100);
    }
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({ producer: 'feedback', payload: { facilityId: MIROTO } });
  });
});
