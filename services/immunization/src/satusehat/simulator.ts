import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Env, runMain } from '@victori/shared';
import type { FhirResource } from './fhir.js';

/**
 * A local stand-in for SATUSEHAT's FHIR R4 API: Patient search by NIK / mother's NIK, Immunization
 * create (honouring If-None-Exist) and update. It can be told to fail, time out, be slow, reject,
 * or store a resource and then never answer (the case that duplicates naive clients), and it records
 * every request it received.
 */
export type SimulatorMode =
  | { kind: 'ok' }
  | { kind: 'fail'; status?: number }
  | { kind: 'timeout' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reject'; message?: string }
  | { kind: 'store-then-hang' };

export interface ReceivedRequest {
  method: string;
  path: string;
  at: number;
  body?: FhirResource;
  /** What the simulator did with it. */
  outcome: string;
}

const BASE_PATH = '/fhir-r4/v1';

const outcome = (severity: string, code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity, code, diagnostics }],
});

export class SatusehatSimulator {
  readonly received: ReceivedRequest[] = [];
  /** Requests kept in `received` (a long local run keeps the latest only). */
  maxReceived = Infinity;
  /** Immunizations stored, by id. */
  readonly immunizations = new Map<string, FhirResource>();
  private mode: SimulatorMode = { kind: 'ok' };
  private readonly script: SimulatorMode[] = [];
  private readonly hanging = new Set<ServerResponse>();
  url = '';
  private server?: http.Server;

  /** The behaviour for every request from now on. */
  setMode(mode: SimulatorMode): void {
    this.mode = mode;
  }

  /** The next `count` requests behave like `mode`, then the default behaviour returns. */
  next(count: number, mode: SimulatorMode): void {
    for (let i = 0; i < count; i++) this.script.push(mode);
  }

  /** Stored immunizations carrying an identifier value (exactly-once checks). */
  byIdentifier(value: string): FhirResource[] {
    return [...this.immunizations.values()].filter((r) =>
      (r.identifier as { value: string }[] | undefined)?.some((i) => i.value === value),
    );
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}${BASE_PATH}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: FhirResource | undefined;
    try {
      body = text ? (JSON.parse(text) as FhirResource) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname;
    const entry: ReceivedRequest = { method: req.method ?? 'GET', path, at: Date.now(), body, outcome: '' };
    this.received.push(entry);
    if (this.received.length > this.maxReceived) this.received.splice(0, this.received.length - this.maxReceived);
    let mode = this.script.shift() ?? this.mode;
    // A lost answer matters for writes; reads are answered.
    if (mode.kind === 'store-then-hang' && req.method === 'GET') mode = { kind: 'ok' };
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(payload));
    };
    switch (mode.kind) {
      case 'fail':
        entry.outcome = `fail ${mode.status ?? 503}`;
        return send(mode.status ?? 503, outcome('error', 'transient', 'Service temporarily unavailable'));
      case 'timeout':
        entry.outcome = 'timeout';
        this.hang(res);
        return;
      case 'reject':
        entry.outcome = 'reject';
        return send(400, outcome('error', 'invalid', mode.message ?? 'Rejected by the simulator'));
      case 'slow':
        await new Promise((r) => setTimeout(r, mode.delayMs));
        break;
      case 'ok':
      case 'store-then-hang':
        break;
    }
    const [status, payload] = this.apply(req.method ?? 'GET', path, url.searchParams, body, req.headers['if-none-exist']);
    entry.outcome = `${status}`;
    if (mode.kind === 'store-then-hang') {
      entry.outcome = `${status} (response lost)`;
      this.hang(res);
      return;
    }
    send(status, payload);
  }

  private hang(res: ServerResponse): void {
    this.hanging.add(res);
    res.once('close', () => this.hanging.delete(res));
  }

  private apply(
    method: string,
    path: string,
    query: URLSearchParams,
    body: FhirResource | undefined,
    ifNoneExist: string | string[] | undefined,
  ): [number, unknown] {
    if (method === 'GET' && path === '/Patient') {
      const identifier = query.get('identifier') ?? '';
      const [system, value] = identifier.split('|');
      if (!value || !system?.startsWith('https://fhir.kemkes.go.id/id/nik'))
        return [400, outcome('error', 'invalid', 'identifier=system|value required')];
      // Deterministic IHS numbers, so that repeated searches agree.
      const ihs = `P${BigInt(
        `0x${createHash('sha256')
          .update(`${system}|${value}|${query.get('birthdate') ?? ''}`)
          .digest('hex')
          .slice(0, 12)}`,
      )
        .toString()
        .slice(0, 11)}`;
      return [200, { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: { resourceType: 'Patient', id: ihs } }] }];
    }
    // Immunization search (FHIR R4 search by reference or, with the chained parameter, by the patient's identifier).
    if (method === 'GET' && path === '/Immunization') {
      const byIdentifier = query.get('patient.identifier');
      const byReference = query.get('patient');
      if (!byIdentifier && !byReference) return [400, outcome('error', 'invalid', 'patient or patient.identifier required')];
      const [system, value] = (byIdentifier ?? '').split('|');
      const found = [...this.immunizations.values()].filter((r) => {
        const patient = r.patient as { reference?: string; identifier?: { system?: string; value?: string } } | undefined;
        if (byReference) return patient?.reference === (byReference.startsWith('Patient/') ? byReference : `Patient/${byReference}`);
        return patient?.identifier?.system === system && patient.identifier.value === value;
      });
      return [200, { resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((resource) => ({ resource })) }];
    }
    if (method === 'POST' && path === '/Immunization') {
      const problem = this.validate(body);
      if (problem) return [400, outcome('error', 'required', problem)];
      const header = Array.isArray(ifNoneExist) ? ifNoneExist[0] : ifNoneExist;
      if (header) {
        const value = header.replace(/^identifier=/, '').split('|')[1];
        const existing = value ? this.byIdentifier(value)[0] : undefined;
        if (existing) return [200, existing];
      }
      const stored = { ...body!, id: randomUUID(), meta: { lastUpdated: new Date().toISOString(), versionId: '1' } };
      this.immunizations.set(stored.id, stored);
      return [201, stored];
    }
    const put = /^\/Immunization\/([^/]+)$/.exec(path);
    if (method === 'PUT' && put) {
      const id = put[1]!;
      const current = this.immunizations.get(id);
      if (!current) return [404, outcome('error', 'not-found', `Immunization/${id} not found`)];
      const problem = this.validate(body);
      if (problem) return [400, outcome('error', 'required', problem)];
      const version = Number((current.meta as { versionId: string }).versionId) + 1;
      const stored = { ...body!, id, meta: { lastUpdated: new Date().toISOString(), versionId: String(version) } };
      this.immunizations.set(id, stored);
      return [200, stored];
    }
    return [404, outcome('error', 'not-supported', `${method} ${path} is not supported by the simulator`)];
  }

  /** The fields SATUSEHAT requires of an Immunization. */
  private validate(body: FhirResource | undefined): string | undefined {
    if (!body || body.resourceType !== 'Immunization') return 'resourceType must be Immunization';
    const b = body as Record<string, unknown> & {
      vaccineCode?: { coding?: unknown[] };
      patient?: { reference?: string };
      protocolApplied?: { doseNumberPositiveInt?: number }[];
      reasonCode?: unknown[];
      performer?: unknown[];
    };
    if (!['completed', 'entered-in-error', 'not-done'].includes(String(b.status))) return 'status is required';
    if (!b.vaccineCode?.coding?.length) return 'vaccineCode.coding is required';
    if (!b.patient?.reference?.startsWith('Patient/')) return 'patient.reference must be Patient/{ihs}';
    if (typeof b.occurrenceDateTime !== 'string' || !b.occurrenceDateTime.endsWith('Z')) return 'occurrenceDateTime must be UTC';
    if (!b.protocolApplied?.[0]?.doseNumberPositiveInt) return 'protocolApplied.doseNumberPositiveInt is required';
    if (!b.reasonCode?.length) return 'reasonCode is required';
    if (!b.performer?.length) return 'performer is required';
    if (typeof b.lotNumber !== 'string') return 'lotNumber is required';
    return undefined;
  }
}

export async function startSatusehatSimulator(port = 0): Promise<SatusehatSimulator> {
  return new SatusehatSimulator().start(port);
}

// `node services/immunization/dist/satusehat/simulator.js`: a simulator for local runs (SATUSEHAT_SIM_PORT, default 4099).
if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const sim = await startSatusehatSimulator(new Env().int('SATUSEHAT_SIM_PORT', 4099, 0, 65535));
    process.stdout.write(`SATUSEHAT simulator: ${sim.url}\n`);
  });
}
