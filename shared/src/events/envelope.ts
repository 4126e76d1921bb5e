import type { z } from 'zod';
import { uuidv7 } from '../ids.js';

/** What travels on the bus. `position` is assigned by the transport (a total order). */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  producer: string;
  /** Events of one aggregate are applied in the order they were published. */
  aggregateId: string;
  payload: T;
}

export interface StoredEvent<T = unknown> extends EventEnvelope<T> {
  position: number;
}

export interface EventContract<T> {
  type: string;
  version: number;
  schema: z.ZodType<T>;
}

const registry = new Map<string, EventContract<unknown>>();
const key = (type: string, version: number): string => `${type}@v${version}`;

/**
 * Declares a versioned event payload schema. Producers validate before writing to the outbox,
 * consumers validate before applying; an unknown type/version is dead-lettered, never dropped.
 */
export function defineEvent<T>(type: string, version: number, schema: z.ZodType<T>): EventContract<T> {
  const contract = { type, version, schema };
  registry.set(key(type, version), contract as EventContract<unknown>);
  return contract;
}

export function findContract(type: string, version: number): EventContract<unknown> | undefined {
  return registry.get(key(type, version));
}

/** Payloads known as JSON text already (the relay reads them so from the outbox): the transport sends the text as is. */
const payloadTexts = new WeakMap<EventEnvelope, string>();

/**
 * An envelope whose payload is JSON text (as stored): `payload` is parsed only if something reads it, and a
 * transport writes the text itself (`payloadJson`) instead of parsing and re-serialising every payload.
 */
export function envelopeWithPayloadText(fields: Omit<EventEnvelope, 'payload'>, text: string): EventEnvelope {
  let parsed: unknown;
  let done = false;
  const event = {
    ...fields,
    get payload(): unknown {
      if (!done) {
        parsed = JSON.parse(text);
        done = true;
      }
      return parsed;
    },
  } as EventEnvelope;
  payloadTexts.set(event, text);
  return event;
}

/** The payload as JSON text: the stored text when known, else serialised. */
export function payloadJson(event: EventEnvelope): string {
  return payloadTexts.get(event) ?? JSON.stringify(event.payload);
}

export function createEnvelope<T>(contract: EventContract<T>, producer: string, aggregateId: string, payload: T): EventEnvelope<T> {
  return {
    id: uuidv7(),
    type: contract.type,
    version: contract.version,
    occurredAt: new Date().toISOString(),
    producer,
    aggregateId,
    payload: contract.schema.parse(payload),
  };
}
