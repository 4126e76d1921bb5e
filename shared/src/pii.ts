import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

const IV_BYTES = 12;
const IV_POOL = 1024;

/**
 * Personal identifiers at rest: AES-256-GCM with a random IV for the value, and an HMAC-SHA256
 * keyed hash for exact lookup. Separate subkeys are derived for the two uses.
 */
export class PiiVault {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;
  /** Random IVs drawn from the CSPRNG 1,024 at a time (bulk imports encrypt hundreds of thousands). */
  private ivPool = Buffer.alloc(0);
  private ivNext = 0;

  constructor(hexKey: string) {
    const master = Buffer.from(hexKey, 'hex');
    this.encKey = createHmac('sha256', master).update('victori/pii/enc').digest();
    this.macKey = createHmac('sha256', master).update('victori/pii/mac').digest();
  }

  /** Deterministic keyed hash (hex) for equality lookups; reveals nothing without the key. */
  hash(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }

  encrypt(value: string): string {
    if (this.ivNext + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomFillSync(Buffer.allocUnsafe(IV_BYTES * IV_POOL));
      this.ivNext = 0;
    }
    const iv = this.ivPool.subarray(this.ivNext, (this.ivNext += IV_BYTES));
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** Shows only the last four digits (slips, lists for health workers). */
export function maskNik(nik: string): string {
  return `${'*'.repeat(12)}${nik.slice(-4)}`;
}
