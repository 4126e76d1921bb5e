import { AppError, badInput, checkAll, ErrorCode, FieldErrors, kecamatanOf } from '@victori/shared';
import { isTime, minutesOf } from '../../time.js';
import type { OpeningHoursValue } from './facility.entity.js';
import type { OpeningHoursInput } from './facility.inputs.js';

/** Pure checks of the facility register's input (typed errors, no database). */

const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const PHONE = /^\+?[0-9]{6,20}$/;
const EMAIL = /^[^\s@]{1,100}@[^\s@]{1,100}\.[^\s@]{2,}$/;

/** SATUSEHAT's ids: an Organization IHS number (digits) and a Location id (a UUID, as SATUSEHAT issues them). */
const ORGANIZATION_ID = /^\d{5,20}$/;
const LOCATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The facility code, upper-cased; adds its mistake to `mistakes`. */
export function facilityCode(value: string, mistakes: FieldErrors): string {
  const code = value.trim().toUpperCase();
  if (!CODE.test(code)) {
    mistakes.add('code', { id: 'Kode hanya huruf, angka dan tanda hubung (2–40)', en: 'Code must be 2–40 letters, digits or hyphens' });
  }
  return code;
}

export function text(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(field, { id: 'Wajib diisi', en: 'Required' });
  if (trimmed.length > max) throw badInput(field, { id: `Paling banyak ${max} karakter`, en: `At most ${max} characters` });
  return trimmed;
}

export function kelurahan(code: string): { kelurahanCode: string; kecamatanCode: string } {
  const kecamatanCode = kecamatanOf(code);
  if (!kecamatanCode) {
    throw badInput('kelurahanCode', { id: 'Kode kelurahan tidak dikenal di Kota Semarang', en: 'Unknown kelurahan code in Kota Semarang' });
  }
  return { kelurahanCode: code, kecamatanCode };
}

export function hours(input: OpeningHoursInput[]): OpeningHoursValue[] {
  const mistakes = new FieldErrors();
  const seen = new Set<number>();
  const out = input.map((h, i) => {
    const field = `openingHours.${i}`;
    if (!Number.isInteger(h.weekday) || h.weekday < 1 || h.weekday > 7) {
      mistakes.add(`${field}.weekday`, { id: 'Hari harus 1 (Senin) sampai 7 (Minggu)', en: 'Weekday must be 1 (Monday) to 7 (Sunday)' });
    } else if (seen.has(h.weekday)) mistakes.add(`${field}.weekday`, { id: 'Hari tercantum dua kali', en: 'Weekday listed twice' });
    seen.add(h.weekday);
    if (!isTime(h.opens)) mistakes.add(`${field}.opens`, { id: 'Jam harus HH:MM', en: 'Time must be HH:MM' });
    if (!isTime(h.closes)) mistakes.add(`${field}.closes`, { id: 'Jam harus HH:MM', en: 'Time must be HH:MM' });
    else if (isTime(h.opens) && minutesOf(h.closes) <= minutesOf(h.opens)) {
      mistakes.add(`${field}.closes`, { id: 'Jam tutup harus setelah jam buka', en: 'Closing time must be after opening time' });
    }
    return { weekday: h.weekday, opens: h.opens, closes: h.closes };
  });
  mistakes.throwIfAny();
  return out;
}

export function coordinates(latitude: number | undefined, longitude: number | undefined): void {
  checkAll(
    () => {
      if (latitude !== undefined && latitude !== null && (latitude < -90 || latitude > 90)) {
        throw badInput('latitude', { id: 'Lintang harus antara -90 dan 90', en: 'Latitude must be between -90 and 90' });
      }
    },
    () => {
      if (longitude !== undefined && longitude !== null && (longitude < -180 || longitude > 180)) {
        throw badInput('longitude', { id: 'Bujur harus antara -180 dan 180', en: 'Longitude must be between -180 and 180' });
      }
    },
  );
}

export function contact(phone: string | undefined, email: string | undefined): void {
  checkAll(
    () => {
      if (phone && !PHONE.test(phone)) throw badInput('phone', { id: 'Nomor telepon tidak valid', en: 'Invalid telephone number' });
    },
    () => {
      if (email && !EMAIL.test(email)) throw badInput('email', { id: 'Alamat e-mail tidak valid', en: 'Invalid e-mail address' });
    },
  );
}

/** A facility's SATUSEHAT ids, normalised; every mistake at once (the first one names the error). */
export function satusehatIds(input: { organizationId: string; locationId: string }): { organizationId: string; locationId: string } {
  const organizationId = input.organizationId.trim();
  const locationId = input.locationId.trim().toLowerCase();
  const fields: { field: string; message: string; messageEn: string }[] = [];
  if (!ORGANIZATION_ID.test(organizationId)) {
    fields.push({
      field: 'organizationId',
      message: 'ID Organization SATUSEHAT berupa 5-20 angka',
      messageEn: 'A SATUSEHAT Organization id is 5-20 digits',
    });
  }
  if (!LOCATION_ID.test(locationId)) {
    fields.push({ field: 'locationId', message: 'ID Location SATUSEHAT berupa UUID', messageEn: 'A SATUSEHAT Location id is a UUID' });
  }
  if (fields.length) {
    const first = fields[0]!;
    throw new AppError(ErrorCode.BAD_USER_INPUT, { id: first.message, en: first.messageEn }, { field: first.field, fields });
  }
  return { organizationId, locationId };
}
