import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pcareAuthorization, pcareEncrypt, pcareSignature } from './pcare.crypto.js';

/** Same failure modes as the SATUSEHAT simulator. */
export type PcareSimulatorMode =
  | { kind: 'ok' }
  | { kind: 'fail'; status?: number }
  | { kind: 'rate-limit' }
  | { kind: 'timeout' }
  | { kind: 'reject'; message?: string }
  | { kind: 'store-then-hang' };

export interface PcareReceived {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  outcome: string;
}

/** Credentials the simulator accepts unless told otherwise (development and tests only). */
export const PCARE_SIMULATOR_CREDENTIALS = {
  consId: 'victori-dev',
  secretKey: 'victori-dev-secret',
  userKey: 'victori-dev-user-key',
  username: 'victori-dev',
  password: 'victori-dev-password',
  appCode: '095',
};

interface Registration {
  noUrut: string;
  tglDaftar: string;
  noKartu: string;
  kdPoli: string;
  kdProviderPeserta: string | null;
}

const BASE = '/pcare-rest';
/** How far X-timestamp may be from the simulator's clock (PCare refuses stale signatures). */
const MAX_SKEW_S = 300;
const DAY = /^\d{2}-\d{2}-\d{4}$/;

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * A strict local stand-in for BPJS PCare's REST bridging: every request must carry X-cons-id,
 * X-timestamp (within five minutes), X-signature (HMAC-SHA256 of consId&timestamp), X-authorization
 * (Basic username:password:kdAplikasi) and user_key; answers are encrypted and LZ-string compressed with
 * the request's timestamp, as PCare v4 does. Participants by NIK, and visit registration (pendaftaran)
 * with its list by day.
 */
export class PcareSimulator {
  readonly received: PcareReceived[] = [];
  readonly registrations: Registration[] = [];
  /** NIKs that are not BPJS participants. */
  readonly nonParticipants = new Set<string>();
  credentials = { ...PCARE_SIMULATOR_CREDENTIALS };
  url = '';
  private mode: PcareSimulatorMode = { kind: 'ok' };
  private readonly script: PcareSimulatorMode[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server?: http.Server;

  setMode(mode: PcareSimulatorMode): void {
    this.mode = mode;
  }

  next(count: number, mode: PcareSimulatorMode): void {
    for (let i = 0; i < count; i++) this.script.push(mode);
  }

  reset(): void {
    this.received.length = 0;
    this.registrations.length = 0;
    this.nonParticipants.clear();
    this.script.length = 0;
    this.mode = { kind: 'ok' };
  }

  /** The BPJS card number of a NIK (deterministic). */
  static cardOf(nik: string): string {
    return `000${(BigInt(`0x${createHash('sha256').update(nik).digest('hex').slice(0, 12)}`) % 10_000_000_000n).toString().padStart(10, '0')}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}${BASE}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private authProblem(req: IncomingMessage): string | undefined {
    const c = this.credentials;
    const h = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = h('X-timestamp') ?? '';
    if (h('X-cons-id') !== c.consId) return 'X-cons-id tidak dikenal';
    if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - Date.now() / 1000) > MAX_SKEW_S) return 'X-timestamp tidak valid';
    if (!equal(h('X-signature') ?? '', pcareSignature(c.consId, timestamp, c.secretKey))) return 'X-signature tidak valid';
    if (!equal(h('X-authorization') ?? '', pcareAuthorization(c.username, c.password, c.appCode))) return 'X-authorization tidak valid';
    if (h('user_key') !== c.userKey) return 'user_key tidak valid';
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
    const method = req.method ?? 'GET';
    const entry: PcareReceived = { method, path, ...(body ? { body } : {}), outcome: '' };
    this.received.push(entry);
    const timestamp = String(req.headers['x-timestamp'] ?? '');
    const send = (status: number, code: number, message: string, response: unknown = null) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      const c = this.credentials;
      res.end(
        JSON.stringify({
          response: response === null ? null : pcareEncrypt(response, c.consId, c.secretKey, timestamp),
          metaData: { message, code },
        }),
      );
    };
    const problem = this.authProblem(req);
    if (problem) {
      entry.outcome = '401';
      return send(401, 401, problem);
    }
    let mode = this.script.shift() ?? this.mode;
    if (mode.kind === 'store-then-hang' && method === 'GET') mode = { kind: 'ok' };
    switch (mode.kind) {
      case 'fail':
        entry.outcome = `fail ${mode.status ?? 503}`;
        return send(mode.status ?? 503, mode.status ?? 503, 'Service Unavailable');
      case 'rate-limit':
        entry.outcome = '429';
        return send(429, 429, 'Too Many Requests');
      case 'timeout':
        entry.outcome = 'timeout';
        this.hang(res);
        return;
      case 'reject':
        entry.outcome = 'reject';
        return send(200, 412, mode.message ?? 'Ditolak oleh simulator');
      case 'ok':
      case 'store-then-hang':
        break;
    }
    const [code, message, response] = this.apply(method, path, body);
    entry.outcome = `${code}`;
    if (mode.kind === 'store-then-hang') {
      entry.outcome = `${code} (response lost)`;
      this.hang(res);
      return;
    }
    send(200, code, message, response);
  }

  private hang(res: ServerResponse): void {
    this.hanging.add(res);
    res.once('close', () => this.hanging.delete(res));
  }

  private apply(method: string, path: string, body: Record<string, unknown> | undefined): [number, string, unknown] {
    const peserta = /^\/peserta\/nik\/(\d{16})$/.exec(path);
    if (method === 'GET' && peserta) {
      const nik = peserta[1]!;
      if (this.nonParticipants.has(nik)) return [204, 'Peserta tidak ditemukan', null];
      return [
        200,
        'OK',
        {
          noKartu: PcareSimulator.cardOf(nik),
          noKTP: nik,
          aktif: true,
          ketAktif: 'AKTIF',
          kdProviderPst: { kdProvider: '0171B011', nmProvider: 'PKM SIMULATOR' },
        },
      ];
    }
    const list = /^\/pendaftaran\/tglDaftar\/(\d{2}-\d{2}-\d{4})\/(\d+)\/(\d+)$/.exec(path);
    if (method === 'GET' && list) {
      const day = this.registrations.filter((r) => r.tglDaftar === list[1]);
      const page = day.slice(Number(list[2]), Number(list[2]) + Number(list[3]));
      return [
        200,
        'OK',
        {
          count: day.length,
          list: page.map((r) => ({
            noUrut: r.noUrut,
            tglDaftar: r.tglDaftar,
            peserta: { noKartu: r.noKartu },
            poli: { kdPoli: r.kdPoli },
          })),
        },
      ];
    }
    if (method === 'POST' && path === '/pendaftaran') {
      const problems: string[] = [];
      const b = body ?? {};
      if (typeof b.noKartu !== 'string' || !/^\d{13}$/.test(b.noKartu)) problems.push('noKartu harus 13 digit');
      if (typeof b.tglDaftar !== 'string' || !DAY.test(b.tglDaftar)) problems.push('tglDaftar harus dd-mm-yyyy');
      if (typeof b.kdPoli !== 'string' || !/^\d{3}$/.test(b.kdPoli)) problems.push('kdPoli harus 3 digit');
      if (typeof b.kunjSakit !== 'boolean') problems.push('kunjSakit wajib diisi');
      if (b.kdTkp !== '10' && b.kdTkp !== '20' && b.kdTkp !== '50') problems.push('kdTkp tidak valid');
      if (problems.length) return [412, problems.join('; '), null];
      const duplicate = this.registrations.some((r) => r.noKartu === b.noKartu && r.tglDaftar === b.tglDaftar && r.kdPoli === b.kdPoli);
      if (duplicate) return [412, 'Peserta sudah didaftarkan di poli yang sama pada hari yang sama', null];
      const noUrut = `A${this.registrations.filter((r) => r.tglDaftar === b.tglDaftar).length + 1}`;
      this.registrations.push({
        noUrut,
        tglDaftar: b.tglDaftar as string,
        noKartu: b.noKartu as string,
        kdPoli: b.kdPoli as string,
        kdProviderPeserta: (b.kdProviderPeserta as string | null) ?? null,
      });
      return [201, 'CREATED', { field: 'noUrut', message: noUrut }];
    }
    return [404, `${method} ${path} tidak dikenal`, null];
  }
}

export async function startPcareSimulator(port = 0): Promise<PcareSimulator> {
  return new PcareSimulator().start(port);
}
