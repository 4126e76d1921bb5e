import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import LZString from 'lz-string';

/**
 * BPJS PCare bridging's signed headers and encrypted answers (docs/satusehat.md):
 * X-signature = base64(HMAC-SHA256(`${consId}&${timestamp}`, secretKey)); X-authorization = Basic
 * base64(`${username}:${password}:${kdAplikasi}`); an answer's `response` is LZ-string compressed
 * (encoded-URI form), then AES-256-CBC encrypted with key sha256(consId + secretKey + timestamp) and the
 * first 16 bytes of that key as IV, then base64.
 */
export function pcareSignature(consId: string, timestamp: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(`${consId}&${timestamp}`).digest('base64');
}

export function pcareAuthorization(username: string, password: string, appCode: string): string {
  return `Basic ${Buffer.from(`${username}:${password}:${appCode}`).toString('base64')}`;
}

function keyOf(consId: string, secretKey: string, timestamp: string): { key: Buffer; iv: Buffer } {
  const key = createHash('sha256').update(`${consId}${secretKey}${timestamp}`).digest();
  return { key, iv: key.subarray(0, 16) };
}

export function pcareEncrypt(payload: unknown, consId: string, secretKey: string, timestamp: string): string {
  const { key, iv } = keyOf(consId, secretKey, timestamp);
  const compressed = LZString.compressToEncodedURIComponent(JSON.stringify(payload));
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([cipher.update(compressed, 'utf8'), cipher.final()]).toString('base64');
}

export function pcareDecrypt<T>(text: string, consId: string, secretKey: string, timestamp: string): T {
  const { key, iv } = keyOf(consId, secretKey, timestamp);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  const compressed = Buffer.concat([decipher.update(Buffer.from(text, 'base64')), decipher.final()]).toString('utf8');
  const json = LZString.decompressFromEncodedURIComponent(compressed);
  if (json === null || json === '') throw new Error('the PCare answer could not be decompressed');
  return JSON.parse(json) as T;
}
