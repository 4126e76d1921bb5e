import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 512;
let pool = Buffer.alloc(0);
let next = 0;
let lastMs = 0;
let counter = 0;
const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, a 12-bit counter that keeps
 * ids from one process increasing within a millisecond, then 62 random bits. New rows land at the
 * right edge of their B-tree indexes instead of on random pages, which keeps bulk writes (imports,
 * outboxes, inboxes) cheap; the ids still reveal nothing but their creation time.
 */
export function uuidv7(now: number = Date.now()): string {
  if (next + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    next = 0;
  }
  const b = pool.subarray(next, (next += 16));
  if (now > lastMs) {
    lastMs = now;
    counter = (b[6]! & 0x07) * 256 + b[7]!; // start low in the 12-bit space so a burst has room to count
  } else if (++counter > 0xfff) {
    lastMs += 1; // counter exhausted within one millisecond: borrow the next one, as RFC 9562 allows
    counter = 0;
  }
  const ms = lastMs;
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (counter >>> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += hex[b[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a value is a UUID in its text form (any version, either case). Ids that come from users are
 * checked with it before they reach a `uuid` column, where a malformed one would be a database error
 * instead of "not found".
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_TEXT.test(value);
}
