import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigError, Env } from '@victori/shared';
import { loadIdentityConfig } from '../config.js';
import { normalisePhone } from '../modules/code/code.service.js';
import { createSmsSender, HttpSmsSender, type SmsSender } from './sms.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----';

describe('the HTTP SMS adapter, against a fake gateway on loopback', () => {
  let server: Server;
  let url: string;
  let status = 202;
  const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{"id":"msg-1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // The HTTP adapter never touches the database.
  const noDb = undefined as unknown as EntityManager;

  test('posts {to, from, text} as JSON with the bearer token', async () => {
    const sender: SmsSender = new HttpSmsSender({ url, token: 'sms-secret', sender: 'DINKES SMG', timeoutMs: 2000 });
    await sender.send(noDb, { to: '+6281234567890', text: 'Kode masuk VICTORI: 123456' }, 'hash');
    expect(received.at(-1)).toMatchObject({
      headers: { authorization: 'Bearer sms-secret', 'content-type': 'application/json' },
      body: { to: '+6281234567890', from: 'DINKES SMG', text: 'Kode masuk VICTORI: 123456' },
    });
  });

  test('a refusal by the gateway is an error (the caller answers UNAVAILABLE and records no code); the number is not in it', async () => {
    status = 503;
    const sender: SmsSender = new HttpSmsSender({ url, sender: 'DINKES SMG', timeoutMs: 2000 });
    const failure = sender.send(noDb, { to: '+6281234567890', text: 'x' }, 'hash');
    await expect(failure).rejects.toThrow('SMS gateway answered 503');
    await expect(failure).rejects.not.toThrow('81234567890');
    status = 202;
  });

  test('configuration: http with IDENTITY_SMS_URL; production refuses the outbox', () => {
    const config = loadIdentityConfig(new Env({ NODE_ENV: 'production', IDENTITY_SMS_URL: url, JWT_PRIVATE_KEY: KEY }));
    expect(config.sms).toMatchObject({ mode: 'http', url });
    expect(createSmsSender(config.sms).kind).toBe('http');
    expect(() => loadIdentityConfig(new Env({ NODE_ENV: 'production', IDENTITY_SMS: 'outbox', JWT_PRIVATE_KEY: KEY }))).toThrow(
      ConfigError,
    );
    expect(() => loadIdentityConfig(new Env({ NODE_ENV: 'production', JWT_PRIVATE_KEY: KEY }))).toThrow('IDENTITY_SMS_URL');
    expect(createSmsSender(loadIdentityConfig(new Env({ NODE_ENV: 'development', JWT_PRIVATE_KEY: KEY })).sms).kind).toBe('outbox');
  });
});

test('Indonesian mobile numbers are normalised to +628...; anything else is refused', () => {
  expect(['0812-3456-7890', '+62 812 3456 7890', '6281234567890', '081234567'].map(normalisePhone)).toEqual([
    '+6281234567890',
    '+6281234567890',
    '+6281234567890',
    '+6281234567',
  ]);
  expect(['0212345678', '12345', '+1 415 555 0100', '08123'].map(normalisePhone)).toEqual([undefined, undefined, undefined, undefined]);
});
