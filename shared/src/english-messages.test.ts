/**
 * `extensions.messageEn` is for client developers who read English: no Indonesian words in it. The
 * NOT_FOUND names are checked through notFound itself, and every other English message literal in the
 * services' sources is scanned, so a new `en: 'Sesi ...'` fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOT_FOUND_THINGS, notFound, type NotFoundThing } from './errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Words that occur in our Indonesian messages and are not English words too.
const INDONESIAN =
  /\b(tidak|ditemukan|yang|dan|sudah|belum|dosis|sesi|janji|temu|fasilitas|orang|wilayah|anda|untuk|dengan|ini|itu|dari|pada|harus|stok|produk|vaksin|catatan|pengiriman|gagal|wajib|diisi|tanggal|kohort|hari|jam|kode|dikenal|direkonsiliasi|silakan|masuk|berhak)\b/i;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) sources(file, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(file);
  }
  return out;
}

describe('English messages are English', () => {
  test.each(Object.keys(NOT_FOUND_THINGS) as NotFoundThing[])('notFound(%p) says it in English', (thing) => {
    const error = notFound(thing, 'id');
    expect(error.message).toBe(`${thing} tidak ditemukan`);
    expect(error.extensions.messageEn).toMatch(/ not found$/);
    expect(String(error.extensions.messageEn)).not.toMatch(INDONESIAN);
  });

  test('the scan catches the message that started this ("Janji temu not found")', () => {
    expect('Janji temu not found').toMatch(INDONESIAN);
    expect('Appointment not found').not.toMatch(INDONESIAN);
  });

  test('no English message literal in shared, the services or the gateway contains Indonesian words', () => {
    const offenders: string[] = [];
    let scanned = 0;
    const files = ['shared/src', 'services', 'gateway/src', 'platform/src'].flatMap((d) => sources(path.join(ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // `en: '...'`, `en: "..."`, `en: \`...\`` and `messageEn: ...` literals; interpolations are dropped.
      for (const m of text.matchAll(/\b(?:en|messageEn)\s*[:=]\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
        const literal = m[2]!.replace(/\$\{[^}]*\}/g, '');
        scanned++;
        if (INDONESIAN.test(literal)) offenders.push(`${path.relative(ROOT, file)}: ${literal}`);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});
