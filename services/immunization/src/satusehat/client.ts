import type { ImmunizationSettings } from '../config.js';
import type { FhirResource } from './fhir.js';

/** What went wrong in one call: transient failures are retried, permanent ones need a person. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export class SatusehatClient {
  constructor(
    private readonly settings: ImmunizationSettings['satusehat'],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call(method: string, path: string, body?: FhirResource, headers: Record<string, string> = {}): Promise<FhirResource> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.settings.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/fhir+json',
          ...(body ? { 'content-type': 'application/fhir+json' } : {}),
          ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}),
          ...headers,
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
    const diagnostics = (json?.issue as { diagnostics?: string }[] | undefined)?.map((i) => i.diagnostics).join('; ') || text.slice(0, 200);
    // 408 and 429 and every 5xx are worth retrying; other 4xx are a problem with the record itself.
    const transient = res.status >= 500 || res.status === 408 || res.status === 429 || (res.ok && !json);
    throw new DeliveryError(`SATUSEHAT ${res.status}: ${diagnostics}`, !transient);
  }

  /** The IHS patient number for a NIK (or a mother's NIK plus birth date for a newborn). */
  async findPatient(system: string, value: string, birthDate?: string): Promise<string> {
    const params = new URLSearchParams({ identifier: `${system}|${value}`, ...(birthDate ? { birthdate: birthDate } : {}) });
    const bundle = await this.call('GET', `/Patient?${params.toString()}`);
    const id = (bundle.entry as { resource?: { id?: string } }[] | undefined)?.[0]?.resource?.id;
    if (!id) throw new DeliveryError('patient not found in SATUSEHAT', true);
    return id;
  }

  /** The national record's immunizations of a person, by NIK (FHIR search chained on the patient's identifier). */
  async searchImmunizations(system: string, value: string): Promise<FhirResource[]> {
    const params = new URLSearchParams({ 'patient.identifier': `${system}|${value}` });
    const bundle = await this.call('GET', `/Immunization?${params.toString()}`);
    return ((bundle.entry as { resource?: FhirResource }[] | undefined) ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  }

  /** Creates the resource unless one with the same identifier exists (conditional create): safe to repeat. */
  async createImmunization(resource: FhirResource, identifier: { system: string; value: string }): Promise<FhirResource> {
    return this.call('POST', '/Immunization', resource, { 'if-none-exist': `identifier=${identifier.system}|${identifier.value}` });
  }

  async updateImmunization(id: string, resource: FhirResource): Promise<FhirResource> {
    return this.call('PUT', `/Immunization/${encodeURIComponent(id)}`, resource);
  }
}
