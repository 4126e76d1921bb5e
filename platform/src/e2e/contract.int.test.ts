import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env } from '@victori/shared';
import { startTestPlatform, type TestPlatform } from '../testing.js';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

describe('the contract a client developer meets, through the real edge and gateway', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  const post = async (payload: unknown, token?: string): Promise<Answer> => {
    const res = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(payload),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    platform = await startTestPlatform('contract', { background: false });
    edge = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin, LOG_LEVEL: 'silent' })),
    );
  });
  afterAll(async () => {
    await edge?.close();
    await platform?.close();
  });

  test('probe', async () => {
    const nik = '3374010101900001';
    const a = await post({
      query: `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`,
      variables: { input: { nik: Number(nik), fullName: 'Budi Santoso', slotId: 'x', doseKind: 7 } },
    });
    console.log(JSON.stringify(a, null, 1));
  });
});
