import type { ImmunizationSettings } from '../config.js';
import { NIK_IBU_SYSTEM, NIK_SYSTEM, type FhirResource } from './fhir.js';

/**
 * Why a record cannot be delivered until a person fixes something (the desk or an admin), as opposed
 * to a transient failure that is retried with back-off.
 */
export type DeliveryProblem =
  | 'PATIENT_NOT_FOUND'
  | 'PRACTITIONER_NOT_FOUND'
  | 'PRODUCT_CODE_UNCONFIRMED'
  | 'FACILITY_NOT_REGISTERED'
  | 'EXPIRATION_DATE_MISSING'
  | 'REJECTED'
  | 'NOT_A_PARTICIPANT';

/** What went wrong in one call: transient failures are retried, permanent ones need a person. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly problem: DeliveryProblem | null = permanent ? 'REJECTED' : null,
    /** The OperationOutcome issue code of a rejection (duplicate, invalid, required, ...). */
    readonly issueCode: string | null = null,
  ) {
    super(message);
  }
}

export const needsAction = (problem: DeliveryProblem, message: string) => new DeliveryError(message, true, problem);

interface CachedToken {
  token: string;
  expiresAt: number;
}
/** Tokens by auth URL and client: every client of one configuration shares one token until shortly before it expires. */
const tokens = new Map<string, Promise<CachedToken>>();

/** Reads SATUSEHAT's FHIR R4 API with an OAuth2 client-credentials token. */
export class SatusehatClient {
  constructor(
    private readonly settings: ImmunizationSettings['satusehat'],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private get tokenKey(): string {
    return `${this.settings.authUrl}|${this.settings.clientId}`;
  }

  /** POST {authUrl}/accesstoken?grant_type=client_credentials with the client id and secret as a form body. */
  private async fetchToken(): Promise<CachedToken> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.settings.authUrl}/accesstoken?grant_type=client_credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: this.settings.clientId, client_secret: this.settings.clientSecret }).toString(),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(`SATUSEHAT token: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: string | number };
    if (!res.ok || !body.access_token) {
      // Wrong credentials are a configuration problem: retried with back-off (an operator fixes the config), never sent elsewhere.
      throw new DeliveryError(`SATUSEHAT token refused (${res.status})`, false);
    }
    const seconds = Number(body.expires_in ?? 3600);
    return { token: body.access_token, expiresAt: Date.now() + seconds * 1000 - this.settings.tokenMarginMs };
  }

  private async token(): Promise<string> {
    const cached = tokens.get(this.tokenKey);
    if (cached) {
      const t = await cached.catch(() => undefined);
      if (t && t.expiresAt > Date.now()) return t.token;
    }
    const next = this.fetchToken();
    tokens.set(this.tokenKey, next);
    next.catch(() => tokens.delete(this.tokenKey));
    return (await next).token;
  }

  private async call(method: string, path: string, body?: FhirResource, retried = false): Promise<FhirResource> {
    const token = await this.token();
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.settings.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/fhir+json',
          ...(body ? { 'content-type': 'application/fhir+json' } : {}),
          authorization: `Bearer ${token}`,
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      throw new DeliveryError(
        name === 'TimeoutError'
          ? `no answer within ${this.settings.timeoutMs} ms`
          : `network error: ${error instanceof Error ? error.message : String(error)}`,
        false,
      );
    }
    // An expired or revoked token: fetch a new one and try once more.
    if (res.status === 401 && !retried) {
      await res.text().catch(() => '');
      tokens.delete(this.tokenKey);
      return this.call(method, path, body, true);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      throw new DeliveryError(`response lost: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    let json: FhirResource | undefined;
    try {
      json = JSON.parse(text) as FhirResource;
    } catch {
      json = undefined;
    }
    if (res.ok && json) return json;
    const issues = (json?.issue as { code?: string; diagnostics?: string; details?: { text?: string } }[] | undefined) ?? [];
    const diagnostics = issues.map((i) => i.diagnostics ?? i.details?.text).join('; ') || text.slice(0, 200);
    // 408 and 429 and every 5xx (and 401 after a fresh token) are worth retrying; other 4xx are a problem with the record itself.
    const transient = res.status >= 500 || res.status === 401 || res.status === 408 || res.status === 429 || (res.ok && !json);
    throw new DeliveryError(`SATUSEHAT ${res.status}: ${diagnostics}`, !transient, transient ? null : 'REJECTED', issues[0]?.code ?? null);
  }

  private async search(resourceType: string, params: Record<string, string>): Promise<FhirResource[]> {
    const bundle = await this.call('GET', `/${resourceType}?${new URLSearchParams(params).toString()}`);
    return ((bundle.entry as { resource?: FhirResource }[] | undefined) ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  }

  /** The IHS number of a person by NIK, or null when the master patient index does not know the NIK. */
  async findPatientByNik(nik: string): Promise<string | null> {
    return (await this.search('Patient', { identifier: `${NIK_SYSTEM}|${nik}` }))[0]?.id ?? null;
  }

  /** Newborns registered under a mother's NIK and a birth date (twins come back together). */
  async findNewborns(motherNik: string, birthDate: string): Promise<FhirResource[]> {
    return this.search('Patient', { identifier: `${NIK_IBU_SYSTEM}|${motherNik}`, birthdate: birthDate });
  }

  /** The IHS Practitioner id of a health worker by NIK, or null. */
  async findPractitionerByNik(nik: string): Promise<string | null> {
    return (await this.search('Practitioner', { identifier: `${NIK_SYSTEM}|${nik}` }))[0]?.id ?? null;
  }

  /** The resource carrying our identifier, if one was stored (search before create: a lost answer never duplicates). */
  async findByIdentifier(resourceType: string, system: string, value: string): Promise<FhirResource | undefined> {
    return (await this.search(resourceType, { identifier: `${system}|${value}` }))[0];
  }

  async create(resource: FhirResource): Promise<FhirResource> {
    return this.call('POST', `/${resource.resourceType}`, resource);
  }

  async update(resource: FhirResource & { id: string }): Promise<FhirResource> {
    return this.call('PUT', `/${resource.resourceType}/${encodeURIComponent(resource.id)}`, resource);
  }

  /** The national record's immunizations of a person, by NIK (FHIR search chained on the patient's identifier). */
  async searchImmunizations(system: string, value: string): Promise<FhirResource[]> {
    return this.search('Immunization', { 'patient.identifier': `${system}|${value}` });
  }
}

/** Forgets cached tokens (tests that change credentials). */
export function forgetSatusehatTokens(): void {
  tokens.clear();
}
