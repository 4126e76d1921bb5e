/**
 * What an operator's tools read: request log lines that name the operation, its error codes and the
 * duration, and `/metrics` in the Prometheus text format on every process (the JSON view stays at
 * `/metrics.json`).
 */
import { Writable } from 'node:stream';
import { startEdge, type RunningEdge } from '@victori/gateway';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform, testEdgeConfig } from '../testing.js';

type Line = { msg?: string; service?: string; operation?: string; errorCodes?: string[]; ms?: number; status?: number; path?: string };
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
    done();
  },
});
let platform: TestPlatform;
let edge: RunningEdge;

beforeAll(async () => {
  platform = await startTestPlatform('metrics', { logLevel: 'info', logDestination: sink });
  edge = await startEdge(testEdgeConfig(platform.gatewayUrl));
});
afterAll(async () => {
  await edge?.close();
  await platform?.close();
});

/** Every sample line of the text exposition format: name, optional labels, a number. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;
async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(SAMPLE);
  return text;
}
const origin = (url: string) => new URL(url).origin;
/** The value of the first sample of `name` that has all of `labels` (in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

describe('request logs', () => {
  test('name the operation, the error codes returned and the duration, at the gateway and in the subgraph', async () => {
    const res = await gql(platform.gatewayUrl, `mutation BookMyBooster($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }`, {
      i: {
        nik: '3374011204909001',
        fullName: 'Budi Santoso',
        birthDate: '1990-04-12',
        sex: 'MALE',
        phone: '081234567890',
        residenceKelurahanCode: '33.74.01.1001',
        doseKind: 'BOOSTER_1',
        slotId: '00000000-0000-4000-8000-000000000000',
      },
    });
    const code = String(res.errors![0]!.extensions!.code);
    await new Promise((r) => setTimeout(r, 100));
    const gateway = lines.find((l) => l.msg === 'request' && l.service === 'gateway' && l.operation === 'BookMyBooster');
    expect(gateway).toMatchObject({ status: 200, path: '/graphql', errorCodes: [code] });
    expect(typeof gateway!.ms).toBe('number');
    const booking = lines.find((l) => l.msg === 'request' && l.service === 'booking' && l.operation?.startsWith('BookMyBooster'));
    expect(booking).toMatchObject({ errorCodes: [code] });
    // No personal data in any line.
    expect(JSON.stringify(lines)).not.toContain('3374011204909001');
  });

  test('a request without errors has no error codes', async () => {
    await gql(platform.gatewayUrl, `query Facilities { facilities { edges { node { name } } } }`);
    await new Promise((r) => setTimeout(r, 100));
    const line = lines.find((l) => l.msg === 'request' && l.service === 'gateway' && l.operation === 'Facilities');
    expect(line).toBeDefined();
    expect(line!.errorCodes).toBeUndefined();
  });
});

describe('/metrics in the Prometheus text format', () => {
  test('the gateway: HTTP histogram and admission', async () => {
    const text = await scrape(`${origin(platform.gatewayUrl)}/metrics`);
    const graphql = { service: 'gateway', method: 'POST', route: '/graphql', status: '200' };
    // The two requests above (and the scrapes of other tests, if any).
    expect(sample(text, 'victori_http_request_duration_seconds_count', graphql)).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'victori_http_request_duration_seconds_bucket', { ...graphql, le: '+Inf' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'victori_admission_in_flight', { service: 'gateway', class: 'read' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'victori_admission_refused_total', { service: 'gateway', class: 'write' })).toBe(0);
    expect(text).toContain('# TYPE victori_admission_queue_wait_seconds histogram');
    expect(text).toContain('victori_process_resident_memory_bytes');
  });

  test('the edge: admission per class', async () => {
    const text = await scrape(`${origin(edge.url)}/metrics`);
    expect(sample(text, 'victori_admission_limit', { service: 'edge', class: 'read' })).toBeGreaterThan(0);
    expect(sample(text, 'victori_edge_forwarded_total', { service: 'edge' })).toBe(0);
  });

  test('the services: event lag, outbox backlog, dead letters; immunization: the delivery backlog', async () => {
    const booking = await scrape(`${origin(platform.services.booking.url)}/metrics`);
    expect(booking).toMatch(/^victori_event_consumer_lag_events\{.*consumer="[^"]+".*\} \d+$/m);
    expect(booking).toMatch(/^victori_event_consumer_last_lag_seconds|# TYPE victori_event_consumer_last_lag_seconds gauge/m);
    expect(sample(booking, 'victori_outbox_backlog', { service: 'booking' })).toBeGreaterThanOrEqual(0);
    expect(booking).toMatch(/^victori_event_dead_letters\{.*consumer="[^"]+".*\} 0$/m);
    const immunization = await scrape(`${origin(platform.services.immunization.url)}/metrics`);
    expect(sample(immunization, 'victori_national_delivery_backlog', { service: 'immunization' })).toBeGreaterThanOrEqual(0);
    expect(sample(immunization, 'victori_national_delivery_oldest_pending_seconds', { service: 'immunization' })).toBeGreaterThanOrEqual(0);
  });

  test('the JSON view stays at /metrics.json', async () => {
    const res = await fetch(`${origin(platform.services.booking.url)}/metrics.json`);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ events: { outboxBacklog: expect.any(Number) } });
  });
});
