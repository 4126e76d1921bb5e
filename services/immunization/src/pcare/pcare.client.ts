import type { PcareSettings } from '../config.js';
import { DeliveryError } from '../satusehat/client.js';
import { pcareAuthorization, pcareDecrypt, pcareSignature } from './pcare.crypto.js';

export interface PcareParticipant {
  noKartu: string;
  aktif: boolean;
  kdProviderPst?: { kdProvider?: string } | null;
}

export interface PcareRegistration {
  noUrut: string;
  tglDaftar?: string;
  peserta?: { noKartu?: string };
  poli?: { kdPoli?: string };
}

interface Envelope {
  metaData?: { code?: number | string; message?: string };
  response?: unknown;
}

/** BPJS PCare REST bridging (v4): signed headers on every call, encrypted answers. */
export class PcareClient {
  constructor(
    private readonly settings: PcareSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ code: number; message: string; data: T | null }> {
    // Seconds since the epoch, UTC, as the signature and the answer's key expect.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const s = this.settings;
    let res: Response;
    try {
      res = await this.fetchImpl(`${s.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'X-cons-id': s.consId,
          'X-timestamp': timestamp,
          'X-signature': pcareSignature(s.consId, timestamp, s.secretKey),
          'X-authorization': pcareAuthorization(s.username, s.password, s.appCode),
          user_key: s.userKey,
          ...(body ? { 'content-type': 'text/plain' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(s.timeoutMs),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      throw new DeliveryError(
        name === 'TimeoutError'
          ? `PCare: no answer within ${s.timeoutMs} ms`
          : `PCare network error: ${error instanceof Error ? error.message : String(error)}`,
        false,
      );
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(await res.text()) as Envelope;
    } catch {
      throw new DeliveryError(`PCare ${res.status}: the answer was lost or is not JSON`, false);
    }
    const code = Number(envelope.metaData?.code ?? res.status);
    const message = envelope.metaData?.message ?? '';
    if (res.status === 429 || res.status >= 500 || code >= 500 || code === 401 || res.status === 401) {
      throw new DeliveryError(`PCare ${code}: ${message}`, false);
    }
    if (code === 204 || code === 404) return { code, message, data: null };
    if (code >= 400) throw new DeliveryError(`PCare ${code}: ${message}`, true, 'REJECTED', String(code));
    let data: T | null = null;
    if (typeof envelope.response === 'string' && envelope.response) {
      try {
        data = pcareDecrypt<T>(envelope.response, s.consId, s.secretKey, timestamp);
      } catch (error) {
        throw new DeliveryError(`PCare answer could not be decrypted: ${error instanceof Error ? error.message : String(error)}`, false);
      }
    } else if (envelope.response && typeof envelope.response === 'object') {
      data = envelope.response as T;
    }
    return { code, message, data };
  }

  /** The BPJS participant holding this NIK, or null. */
  async participantByNik(nik: string): Promise<PcareParticipant | null> {
    return (await this.call<PcareParticipant>('GET', `/peserta/nik/${encodeURIComponent(nik)}`)).data;
  }

  /** The day's registrations at this provider (tglDaftar dd-mm-yyyy), every page. */
  async registrationsOn(day: string): Promise<PcareRegistration[]> {
    const all: PcareRegistration[] = [];
    for (let start = 0; start < 5000; start += 100) {
      const page = (await this.call<{ count: number; list: PcareRegistration[] }>('GET', `/pendaftaran/tglDaftar/${day}/${start}/100`))
        .data;
      all.push(...(page?.list ?? []));
      if (!page || page.list.length < 100) break;
    }
    return all;
  }

  /** Registers a visit; the answer's message is its queue number (noUrut). */
  async register(body: Record<string, unknown>): Promise<string> {
    const answer = await this.call<{ field?: string; message?: string }>('POST', '/pendaftaran', body);
    const noUrut = answer.data?.message;
    if (!noUrut) throw new DeliveryError('PCare registered the visit without a queue number', false);
    return noUrut;
  }
}
