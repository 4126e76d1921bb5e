import { Writable } from 'node:stream';
import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

describe('structured logs', () => {
  let platform: TestPlatform;
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });

  beforeAll(async () => {
    platform = await startTestPlatform('logging', { logLevel: 'info', logDestination: sink, background: false });
  });
  afterAll(async () => platform?.close());

  test('are JSON with one request id from the gateway through every subgraph it called, and carry no personal data', async () => {
    const nik = makeNik('337401', '1990-05-17', 'FEMALE', 123);
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($k: String) { facilities(kecamatanCode: $k) { edges { node { name area { name } } } } }`,
        variables: { k: nik },
      }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    await new Promise((r) => setTimeout(r, 100));
    const services = new Set(lines.filter((l) => l.requestId === requestId && l.msg === 'request').map((l) => l.service));
    expect(services).toEqual(new Set(['gateway', 'booking']));
    expect(raw.some((l) => l.includes(nik))).toBe(false);

    const withArea = await gql<{ facilities: { edges: unknown[] } }>(
      platform.gatewayUrl,
      `{ facilities { edges { node { area { name } } } } }`,
    );
    expect(withArea.errors).toBeUndefined();
  });
});
