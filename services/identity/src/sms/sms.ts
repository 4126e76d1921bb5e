import type { EntityManager } from '@mikro-orm/postgresql';
import type { IdentityConfig } from '../config.js';
import { insertDevSms } from '../modules/code/code.store.js';

export interface SmsMessage {
  /** E.164, +628... */
  to: string;
  text: string;
}

/** Sends one SMS; throws when the message was not accepted (the caller answers UNAVAILABLE). */
export interface SmsSender {
  readonly kind: 'outbox' | 'http';
  send(em: EntityManager, message: SmsMessage, phoneHash: string): Promise<void>;
}

/** Development and tests: the message is kept in identity's own database, readable through devSmsOutbox. */
export class OutboxSmsSender implements SmsSender {
  readonly kind = 'outbox';
  async send(em: EntityManager, message: SmsMessage, phoneHash: string): Promise<void> {
    await insertDevSms(em, { phoneHash, to: message.to, text: message.text });
  }
}

/**
 * A real SMS gateway behind a generic JSON API: POST {to, from, text} with an optional bearer token;
 * any 2xx is accepted. Most Indonesian SMS aggregators offer such an endpoint (or a small relay maps to it).
 */
export class HttpSmsSender implements SmsSender {
  readonly kind = 'http';
  constructor(private readonly options: { url: string; token?: string; sender: string; timeoutMs: number }) {}

  async send(_em: EntityManager, message: SmsMessage): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({ to: message.to, from: this.options.sender, text: message.text }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    // The body may echo the number; it is drained, never logged.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
  }
}

export function createSmsSender(config: IdentityConfig['sms']): SmsSender {
  if (config.mode === 'http' && config.url) {
    return new HttpSmsSender({ url: config.url, token: config.token, sender: config.sender, timeoutMs: config.timeoutMs });
  }
  return new OutboxSmsSender();
}
