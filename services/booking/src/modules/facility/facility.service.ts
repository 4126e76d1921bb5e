import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  checkAll,
  conflict,
  decodeCursor,
  ErrorCode,
  FacilityUpserted,
  FieldErrors,
  kecamatanOf,
  notFound,
  pageSize,
  publish,
  toConnection,
  type Claims,
  type Connection,
} from '@victori/shared';
import { bookingPolicy } from '../../policy.js';
import { isTime, minutesOf } from '../../time.js';
import { FacilityEntity, type OpeningHoursValue } from './facility.entity.js';
import type { CreateFacilityInput, OpeningHoursInput, UpdateFacilityInput } from './facility.inputs.js';
import { isUuid } from './facility.loader.js';

const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const PHONE = /^\+?[0-9]{6,20}$/;
const EMAIL = /^[^\s@]{1,100}@[^\s@]{1,100}\.[^\s@]{2,}$/;

function text(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(field, { id: 'Wajib diisi', en: 'Required' });
  if (trimmed.length > max) throw badInput(field, { id: `Paling banyak ${max} karakter`, en: `At most ${max} characters` });
  return trimmed;
}

function kelurahan(code: string): { kelurahanCode: string; kecamatanCode: string } {
  const kecamatanCode = kecamatanOf(code);
  if (!kecamatanCode) {
    throw badInput('kelurahanCode', { id: 'Kode kelurahan tidak dikenal di Kota Semarang', en: 'Unknown kelurahan code in Kota Semarang' });
  }
  return { kelurahanCode: code, kecamatanCode };
}

function hours(input: OpeningHoursInput[]): OpeningHoursValue[] {
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

function coordinates(latitude: number | undefined, longitude: number | undefined): void {
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

function contact(phone: string | undefined, email: string | undefined): void {
  checkAll(
    () => {
      if (phone && !PHONE.test(phone)) throw badInput('phone', { id: 'Nomor telepon tidak valid', en: 'Invalid telephone number' });
    },
    () => {
      if (email && !EMAIL.test(email)) throw badInput('email', { id: 'Alamat e-mail tidak valid', en: 'Invalid e-mail address' });
    },
  );
}

/** Other services learn facilities (where they are, whether active) from this event. */
async function publishFacility(tx: EntityManager, f: FacilityEntity): Promise<void> {
  await publish(tx, 'booking', FacilityUpserted, f.id, {
    facilityId: f.id,
    code: f.code,
    name: f.name,
    type: f.type,
    kelurahanCode: f.kelurahanCode,
    kecamatanCode: f.kecamatanCode,
    active: f.active,
    satusehatOrganizationId: f.satusehatOrganizationId ?? null,
    satusehatLocationId: f.satusehatLocationId ?? null,
  });
}

/** The facility change and its event commit together (explicit demarcation on the request's own EntityManager). */
async function flushWithEvent(em: EntityManager, facility: FacilityEntity): Promise<void> {
  await em.begin();
  try {
    await em.flush();
    await publishFacility(em, facility);
    await em.commit();
  } catch (error) {
    await em.rollback();
    throw error;
  }
}

export async function createFacility(em: EntityManager, claims: Claims, input: CreateFacilityInput): Promise<FacilityEntity> {
  bookingPolicy.manageFacilities(claims);
  // Every mistake of the form at once.
  const mistakes = new FieldErrors();
  const code = input.code.trim().toUpperCase();
  if (!CODE.test(code)) {
    mistakes.add('code', { id: 'Kode hanya huruf, angka dan tanda hubung (2–40)', en: 'Code must be 2–40 letters, digits or hyphens' });
  }
  mistakes.check(() => coordinates(input.latitude, input.longitude));
  mistakes.check(() => contact(input.phone, input.email));
  const name = mistakes.check(() => text('name', input.name, 200));
  const address = mistakes.check(() => text('address', input.address, 300));
  const openingHours = mistakes.check(() => hours(input.openingHours));
  const area = mistakes.check(() => kelurahan(input.kelurahanCode));
  mistakes.throwIfAny();
  if (name === undefined || address === undefined || !openingHours || !area) throw new Error('unreachable: checked above');
  if (await em.count(FacilityEntity, { code })) {
    throw conflict({ id: `Kode fasilitas ${code} sudah dipakai`, en: `Facility code ${code} is already in use` }, { field: 'code' });
  }
  const facility = em.create(FacilityEntity, {
    id: randomUUID(),
    code,
    name,
    type: input.type,
    ...area,
    address,
    latitude: input.latitude ?? undefined,
    longitude: input.longitude ?? undefined,
    phone: input.phone || undefined,
    email: input.email || undefined,
    openingHours,
    active: true,
  });
  try {
    await flushWithEvent(em, facility);
  } catch (error) {
    // Two admins racing for one code: the unique constraint decides.
    if ((error as { code?: string }).code === '23505') {
      throw conflict({ id: `Kode fasilitas ${code} sudah dipakai`, en: `Facility code ${code} is already in use` }, { field: 'code' });
    }
    throw error;
  }
  return facility;
}

export async function updateFacility(em: EntityManager, claims: Claims, id: string, input: UpdateFacilityInput): Promise<FacilityEntity> {
  bookingPolicy.manageFacilities(claims);
  const facility = isUuid(id) ? await em.findOne(FacilityEntity, { id }) : null;
  if (!facility) throw notFound('Fasilitas', 'id');
  const mistakes = new FieldErrors();
  mistakes.check(() => coordinates(input.latitude, input.longitude));
  mistakes.check(() => contact(input.phone, input.email));
  const name = input.name != null ? mistakes.check(() => text('name', input.name!, 200)) : undefined;
  const area = input.kelurahanCode != null ? mistakes.check(() => kelurahan(input.kelurahanCode!)) : undefined;
  const address = input.address != null ? mistakes.check(() => text('address', input.address!, 300)) : undefined;
  const openingHours = input.openingHours != null ? mistakes.check(() => hours(input.openingHours!)) : undefined;
  mistakes.throwIfAny();
  if (name !== undefined) facility.name = name;
  if (input.type != null) facility.type = input.type;
  if (area) Object.assign(facility, area);
  if (address !== undefined) facility.address = address;
  if (input.latitude !== undefined) facility.latitude = input.latitude ?? undefined;
  if (input.longitude !== undefined) facility.longitude = input.longitude ?? undefined;
  if (input.phone !== undefined) facility.phone = input.phone || undefined;
  if (input.email !== undefined) facility.email = input.email || undefined;
  if (openingHours) facility.openingHours = openingHours;
  if (input.active != null) facility.active = input.active;
  await flushWithEvent(em, facility);
  return facility;
}

/** SATUSEHAT's ids: an Organization IHS number (digits) and a Location id (a UUID, as SATUSEHAT issues them). */
const ORGANIZATION_ID = /^\d{5,20}$/;
const LOCATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers a facility's SATUSEHAT Organization and Location ids (admins), published with the facility so
 * that national delivery uses them; records that waited for them are sent at once.
 */
export async function setFacilitySatusehatIds(
  em: EntityManager,
  id: string,
  input: { organizationId: string; locationId: string },
): Promise<FacilityEntity> {
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
  const facility = isUuid(id) ? await em.findOne(FacilityEntity, { id }) : null;
  if (!facility) throw notFound('Fasilitas', 'id');
  facility.satusehatOrganizationId = organizationId;
  facility.satusehatLocationId = locationId;
  await flushWithEvent(em, facility);
  return facility;
}

/** Active facilities by name (then id), filtered by kecamatan, kelurahan and type, a page at a time. Public. */
export async function listFacilities<T>(
  em: EntityManager,
  filter: { kecamatanCode?: string; kelurahanCode?: string; type?: string; first: number; after?: string | null },
  toNode: (entity: FacilityEntity) => T,
): Promise<Connection<T>> {
  bookingPolicy.publicRead();
  const size = pageSize(filter.first, 100);
  const after = filter.after
    ? (decodeCursor(filter.after, [(v) => typeof v === 'string' && v.length <= 300, (v) => typeof v === 'string' && isUuid(v)]) as [
        string,
        string,
      ])
    : undefined;
  const where: Record<string, unknown> = { active: true };
  if (filter.kecamatanCode) where.kecamatanCode = filter.kecamatanCode;
  if (filter.kelurahanCode) where.kelurahanCode = filter.kelurahanCode;
  if (filter.type) where.type = filter.type;
  const page = after ? { ...where, $or: [{ name: { $gt: after[0] } }, { name: after[0], id: { $gt: after[1] } }] } : where;
  const [rows, total] = await Promise.all([
    em.find(FacilityEntity, page, { orderBy: { name: 'asc', id: 'asc' }, limit: size + 1 }),
    em.count(FacilityEntity, where),
  ]);
  return toConnection(rows, size, total, (f) => [f.name, f.id], toNode);
}
