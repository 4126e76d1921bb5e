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
}

/**
 * An expected business failure. The top-level message is Indonesian (the citizens' language);
 * `extensions.messageEn` carries English, `extensions.field` the offending input field.
 */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: Message, extra: { field?: string; [key: string]: unknown } = {}) {
    super(message.id, {
      extensions: { code, messageId: message.id, messageEn: message.en, ...extra },
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
} as const;
export type NotFoundThing = keyof typeof NOT_FOUND_THINGS;

export const notFound = (what: NotFoundThing | Message, field?: string): AppError => {
  const name = typeof what === 'string' ? { id: what, en: NOT_FOUND_THINGS[what] } : what;
  return new AppError(ErrorCode.NOT_FOUND, { id: `${name.id} tidak ditemukan`, en: `${name.en} not found` }, field ? { field } : {});
};

export const unauthenticated = (): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, {
    id: 'Silakan masuk terlebih dahulu',
    en: 'Authentication required',
  });

export const forbidden = (en = 'You are not allowed to do this', id = 'Anda tidak berhak melakukan ini'): AppError =>
  new AppError(ErrorCode.FORBIDDEN, { id, en });

export const conflict = (message: Message, extra: Record<string, unknown> = {}): AppError =>
  new AppError(ErrorCode.CONFLICT, message, extra);
