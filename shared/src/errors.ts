import { GraphQLError } from 'graphql';

/** The one set of error codes every subgraph and the gateway use in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  SESSION_FULL: 'SESSION_FULL',
  DUPLICATE: 'DUPLICATE',
  NOT_ELIGIBLE: 'NOT_ELIGIBLE',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** Sign-in: the one-time code is unknown or past its lifetime; request a new one. */
  CODE_EXPIRED: 'CODE_EXPIRED',
  /** Sign-in: too many wrong codes; the phone is locked for a while. */
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  /** Staff sign-in: unknown username or wrong password (never says which). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** Staff sign-in: the account has TOTP and no code was given. */
  TOTP_REQUIRED: 'TOTP_REQUIRED',
  OVERLOADED: 'OVERLOADED',
  /** Temporarily unavailable (the gateway behind the edge, or a database that is gone); retry after Retry-After. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** One subgraph timed out, failed or has its circuit breaker open; `extensions.serviceName` names it. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  BAD_REQUEST: 'BAD_REQUEST',
  /** An operation over a cost limit (depth, aliases, root fields, tokens, cost, response size); `extensions.limit`. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The public port takes only registered (persisted) operations from this caller. */
  PERSISTED_QUERY_REQUIRED: 'PERSISTED_QUERY_REQUIRED',
  /** Apollo's automatic persisted queries: the hash is unknown, send the query with it (clients rely on this code). */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  GATEWAY_ONLY: 'GATEWAY_ONLY',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Message {
  id: string;
  en: string;
  /** The stable `extensions.messageId`; by default `<code>.<field>` (see messageKey and docs/errors.md). */
  key?: string;
}

const camel = (code: string): string => code.toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
const camelWords = (segment: string): string =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
/** `openingHours.2.weekday` and `rows[2].target` to `openingHours.weekday`, `rows.target`: list positions are no part of a key. */
const keyPart = (text: string): string =>
  text
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter((segment) => segment && !/^\d+$/.test(segment))
    .map(camelWords)
    .filter(Boolean)
    .join('.');

/**
 * The stable key of a message (`extensions.messageId`): the code in camelCase, then the input field when
 * there is one (`badUserInput.birthDate`, `conflict.slipCode`, `sessionFull`). It never depends on the
 * wording of either language, so clients may switch on it; docs/errors.md lists the codes and keys.
 */
export const messageKey = (code: string, field?: string): string => (field ? `${camel(code)}.${keyPart(field)}` : camel(code));

/** Keys of the generic messages every service and the gateway share (`common.forbidden`, `common.badRequest`). */
export const commonKey = (code: string): string => `common.${camel(code)}`;

/** One mistake of a submission, as `extensions.fields` lists it. */
export interface FieldMistake {
  field: string;
  message: string;
  messageEn: string;
  messageId: string;
}

/**
 * An expected business failure. The top-level message is Indonesian (the citizens' language);
 * `extensions.messageEn` carries English, `extensions.field` the offending input field.
 */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: Message, extra: { field?: string; [key: string]: unknown } = {}) {
    const messageId = message.key ?? messageKey(code, extra.field);
    // Every field error lists its mistakes, so a client reads `extensions.fields` whether one or seven.
    const fields =
      code === ErrorCode.BAD_USER_INPUT && extra.field && !('fields' in extra)
        ? { fields: [{ field: extra.field, message: message.id, messageEn: message.en, messageId }] satisfies FieldMistake[] }
        : {};
    super(message.id, {
      extensions: { code, messageId, messageEn: message.en, ...fields, ...extra },
    });
  }
}

export const badInput = (field: string, message: Message, extra: Record<string, unknown> = {}): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { field, ...extra });

/**
 * The things a NOT_FOUND can name, in Indonesian with their English: one name for both languages gave
 * clients "Janji temu not found". A thing missing here does not compile, so a new one brings its English.
 */
export const NOT_FOUND_THINGS = {
  Fasilitas: 'Facility',
  Sesi: 'Session',
  Slot: 'Slot',
  'Janji temu': 'Appointment',
  Orang: 'Person',
  Wilayah: 'Area',
  Lot: 'Lot',
  'Produk vaksin': 'Vaccine product',
  'Stok lot di fasilitas ini': 'Stock of this lot at this facility',
  Dosis: 'Dose',
  'Dosis yang belum direkonsiliasi': 'Unreconciled dose',
  'Catatan dosis': 'Dose record',
  'Pengiriman gagal': 'Failed delivery',
  'Laporan dosis': 'Declared dose',
  'Akun petugas': 'Staff account',
  Sertifikat: 'Certificate',
  Pengaduan: 'Complaint',
  'Tanya jawab': 'FAQ entry',
  'Undangan survei': 'Survey invitation',
} as const;
export type NotFoundThing = keyof typeof NOT_FOUND_THINGS;

export const notFound = (what: NotFoundThing | Message, field?: string): AppError => {
  const name = typeof what === 'string' ? { id: what, en: NOT_FOUND_THINGS[what] } : what;
  return new AppError(
    ErrorCode.NOT_FOUND,
    { id: `${name.id} tidak ditemukan`, en: `${name.en} not found`, key: name.key ?? `notFound.${keyPart(name.en)}` },
    field ? { field } : {},
  );
};

export const unauthenticated = (): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, {
    id: 'Silakan masuk terlebih dahulu',
    en: 'Authentication required',
    key: commonKey(ErrorCode.UNAUTHENTICATED),
  });

export const forbidden = (en = 'You are not allowed to do this', id = 'Anda tidak berhak melakukan ini'): AppError =>
  new AppError(ErrorCode.FORBIDDEN, { id, en, key: commonKey(ErrorCode.FORBIDDEN) });

export const conflict = (message: Message, extra: Record<string, unknown> = {}): AppError =>
  new AppError(ErrorCode.CONFLICT, message, extra);

/**
 * Collects every mistake of one submission, so that a form with seven mistakes hears of seven at once.
 * `add` records one; `check` runs a validation that throws badInput (or a FieldErrors) and keeps its
 * mistakes instead, so existing single checks compose without being rewritten; any other error passes.
 * `throwIfAny` throws one BAD_USER_INPUT naming the first field, `extensions.fields` listing them all.
 */
export class FieldErrors {
  private readonly mistakes: FieldMistake[] = [];

  get count(): number {
    return this.mistakes.length;
  }

  has(field: string): boolean {
    return this.mistakes.some((m) => m.field === field);
  }

  add(field: string, message: Message): this {
    this.mistakes.push({
      field,
      message: message.id,
      messageEn: message.en,
      messageId: message.key ?? messageKey(ErrorCode.BAD_USER_INPUT, field),
    });
    return this;
  }

  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!this.keep(error)) throw error;
      return undefined;
    }
  }

  async checkAsync<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (!this.keep(error)) throw error;
      return undefined;
    }
  }

  throwIfAny(): void {
    const first = this.mistakes[0];
    if (!first) return;
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      { id: first.message, en: first.messageEn, key: first.messageId },
      { field: first.field, fields: [...this.mistakes] },
    );
  }

  private keep(error: unknown): boolean {
    if (!(error instanceof AppError) || error.extensions.code !== ErrorCode.BAD_USER_INPUT) return false;
    const listed = error.extensions.fields as FieldMistake[] | undefined;
    if (listed) this.mistakes.push(...listed);
    else {
      const field = String(error.extensions.field ?? 'input');
      this.mistakes.push({
        field,
        message: error.message,
        messageEn: String(error.extensions.messageEn),
        messageId: String(error.extensions.messageId),
      });
    }
    return true;
  }
}

/** Runs independent checks of one submission and throws all their mistakes together (see FieldErrors). */
export function checkAll(...checks: (() => unknown)[]): void {
  const errors = new FieldErrors();
  for (const run of checks) errors.check(run);
  errors.throwIfAny();
}
