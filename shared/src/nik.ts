import { readCsv } from './data.js';
import { badInput, type Message } from './errors.js';

export type Sex = 'MALE' | 'FEMALE';

let districts: Set<string> | undefined;
function districtCodes(): Set<string> {
  districts ??= new Set(
    readCsv('id-regions-to-district.csv')
      .filter((r) => r.level === 'district')
      .map((r) => r.code!.replaceAll('.', '')),
  );
  return districts;
}

export interface NikFacts {
  districtCode: string;
  day: number;
  month: number;
  /** Two-digit year; the century comes from the stated birth date. */
  yy: number;
  sex: Sex;
}

export type NikResult = { ok: true; facts: NikFacts } | { ok: false; message: Message };

const fail = (id: string, en: string): NikResult => ({ ok: false, message: { id, en } });

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Checks a NIK's structure: 16 digits, a real district code, a real birth date (day + 40 for women),
 * a serial from 0001; and, when given, agreement with the stated birth date (YYYY-MM-DD) and sex.
 */
export function checkNik(nik: string, stated: { birthDate?: string; sex?: Sex } = {}): NikResult {
  if (!/^\d{16}$/.test(nik)) return fail('NIK harus terdiri dari 16 angka', 'NIK must be exactly 16 digits');
  const districtCode = nik.slice(0, 6);
  if (!districtCodes().has(districtCode)) {
    return fail('Kode wilayah NIK tidak dikenal', 'The NIK does not start with a known district code');
  }
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const serial = Number(nik.slice(12, 16));
  const sex: Sex = rawDay > 40 ? 'FEMALE' : 'MALE';
  const day = rawDay > 40 ? rawDay - 40 : rawDay;
  // Leap day needs the century; 2000 is a leap year and covers both centuries' candidates.
  if (day < 1 || day > 31 || month < 1 || month > 12 || !isRealDate(2000 + yy, month, day)) {
    return fail('Tanggal lahir dalam NIK tidak valid', 'The birth date inside the NIK is not a real date');
  }
  if (serial < 1) return fail('Nomor urut NIK tidak valid', 'The NIK serial number must start at 0001');
  if (stated.birthDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(stated.birthDate);
    if (!m) return fail('Tanggal lahir tidak valid', 'Birth date must be YYYY-MM-DD');
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (y % 100 !== yy || mo !== month || d !== day) {
      return fail('NIK tidak sesuai dengan tanggal lahir', 'The NIK does not match the birth date');
    }
  }
  if (stated.sex && stated.sex !== sex) {
    return fail('NIK tidak sesuai dengan jenis kelamin', 'The NIK does not match the stated sex');
  }
  return { ok: true, facts: { districtCode, day, month, yy, sex } };
}

/** Throws a BAD_USER_INPUT error on `field` when the NIK is invalid. */
export function assertValidNik(nik: string, stated: { birthDate?: string; sex?: Sex } = {}, field = 'nik'): NikFacts {
  const result = checkNik(nik, stated);
  if (!result.ok) throw badInput(field, result.message);
  return result.facts;
}

/** Builds a structurally valid NIK (tests, seeds and benchmarks). */
export function makeNik(districtCode: string, birthDate: string, sex: Sex, serial: number): string {
  const [y, m, d] = birthDate.split('-');
  const day = Number(d) + (sex === 'FEMALE' ? 40 : 0);
  return `${districtCode}${String(day).padStart(2, '0')}${m}${y!.slice(2)}${String(serial).padStart(4, '0')}`;
}
