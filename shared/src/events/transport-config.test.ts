import { ConfigError, Env, loadEventTransportConfig } from '../config.js';
import { partitionOf } from './jetstream-transport.js';

const load = (vars: Record<string, string>) => loadEventTransportConfig(new Env(vars));

describe('choosing the event transport', () => {
  test('the PostgreSQL log is the default, and NATS_URL alone switches nothing', () => {
    expect(load({})).toEqual({ kind: 'postgres' });
    expect(load({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({ kind: 'postgres' });
  });

  test('EVENT_TRANSPORT=jetstream needs NATS_URL and takes the stream settings', () => {
    expect(() => load({ EVENT_TRANSPORT: 'jetstream' })).toThrow(new ConfigError('NATS_URL', 'is required but not set'));
    expect(load({ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'nats://a:4222,nats://b:4222', NATS_PARTITIONS: '32' })).toEqual({
      kind: 'jetstream',
      nats: { url: 'nats://a:4222,nats://b:4222', stream: 'VICTORI_EVENTS', partitions: 32, duplicateWindowMs: 600_000, replicas: 1 },
    });
  });

  test.each([
    [{ EVENT_TRANSPORT: 'kafka' }, 'EVENT_TRANSPORT'],
    [{ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'http://127.0.0.1:4222' }, 'NATS_URL'],
    [{ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'nats://127.0.0.1:4222', NATS_STREAM: 'events.v1' }, 'NATS_STREAM'],
    [{ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'nats://127.0.0.1:4222', NATS_PARTITIONS: '0' }, 'NATS_PARTITIONS'],
    // Production: one or two servers are not a durable log.
    [{ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'nats://n:4222', NODE_ENV: 'production', NATS_REPLICAS: '1' }, 'NATS_REPLICAS'],
  ])('%j is refused, naming %s', (vars, variable) => {
    expect(() => load(vars)).toThrow(expect.objectContaining({ variable }));
  });

  test('production defaults to a stream on three servers', () => {
    const config = load({ EVENT_TRANSPORT: 'jetstream', NATS_URL: 'nats://n:4222', NODE_ENV: 'production' });
    expect(config.kind === 'jetstream' && config.nats.replicas).toBe(3);
  });
});

describe('aggregate partitions', () => {
  test('an aggregate always lands in the same partition, and aggregates spread over all of them', () => {
    expect(partitionOf('appointment-1', 16)).toBe(partitionOf('appointment-1', 16));
    const used = new Set(Array.from({ length: 1000 }, (_, i) => partitionOf(`agg-${i}`, 16)));
    expect(used.size).toBe(16);
  });
});
