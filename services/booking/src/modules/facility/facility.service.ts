import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  conflict,
  decodeCursor,
  FieldErrors,
  notFound,
  pageSize,
  toConnection,
  type Claims,
  type Connection,
  isUuid,
} from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { violates } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import type { FacilityEntity } from './facility.entity.js';
import type { CreateFacilityInput, UpdateFacilityInput } from './facility.inputs.js';
import { contact, coordinates, facilityCode, hours, kelurahan, satusehatIds, text } from './facility.rules.js';
import * as store from './facility.store.js';

const codeTaken = (code: string) =>
  conflict({ id: `Kode fasilitas ${code} sudah dipakai`, en: `Facility code ${code} is already in use` }, { field: 'code' });

export async function createFacility(em: EntityManager, claims: Claims, input: CreateFacilityInput): Promise<FacilityEntity> {
  bookingPolicy.manageFacilities(claims);
  // Every mistake of the form at once.
  const mistakes = new FieldErrors();
  const code = facilityCode(input.code, mistakes);
  mistakes.check(() => coordinates(input.latitude, input.longitude));
  mistakes.check(() => contact(input.phone, input.email));
  const name = mistakes.check(() => text('name', input.name, 200));
  const address = mistakes.check(() => text('address', input.address, 300));
  const openingHours = mistakes.check(() => hours(input.openingHours));
  const area = mistakes.check(() => kelurahan(input.kelurahanCode));
  mistakes.throwIfAny();
  if (name === undefined || address === undefined || !openingHours || !area) throw new Error('unreachable: checked above');
  if (await store.codeInUse(em, code)) throw codeTaken(code);
  const facility = store.newFacility(em, {
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
    await store.saveFacility(em, facility);
  } catch (error) {
    // Two admins racing for one code: the unique constraint decides.
    if (violates(error, [store.FACILITY_CODE_UNIQUE])) throw codeTaken(code);
    throw error;
  }
  return facility;
}

export async function updateFacility(em: EntityManager, claims: Claims, id: string, input: UpdateFacilityInput): Promise<FacilityEntity> {
  bookingPolicy.manageFacilities(claims);
  const facility = await store.findFacility(em, id);
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
  await store.saveFacility(em, facility);
  return facility;
}

/**
 * Registers a facility's SATUSEHAT Organization and Location ids (admins), published with the facility so
 * that national delivery uses them; records that waited for them are sent at once.
 */
export async function setFacilitySatusehatIds(
  em: EntityManager,
  claims: Claims,
  id: string,
  input: { organizationId: string; locationId: string },
): Promise<FacilityEntity> {
  bookingPolicy.manageFacilities(claims);
  const ids = satusehatIds(input);
  const facility = await store.findFacility(em, id);
  if (!facility) throw notFound('Fasilitas', 'id');
  facility.satusehatOrganizationId = ids.organizationId;
  facility.satusehatLocationId = ids.locationId;
  await store.saveFacility(em, facility);
  return facility;
}

/** One facility (through the request's loader). Public. */
export async function getFacility(ctx: BookingContext, id: string): Promise<FacilityEntity> {
  bookingPolicy.publicRead();
  const facility = await ctx.loaders.facility.load(id);
  if (!facility) throw notFound('Fasilitas', 'id');
  return facility;
}

/** Active facilities by name (then id), filtered by kecamatan, kelurahan and type, a page at a time. Public. */
export async function listFacilities<T>(
  em: EntityManager,
  filter: store.FacilityFilter & { first: number; after?: string | null },
  toNode: (entity: FacilityEntity) => T,
): Promise<Connection<T>> {
  bookingPolicy.publicRead();
  const size = pageSize(filter.first, 100);
  const after = filter.after
    ? (decodeCursor(filter.after, [(v) => typeof v === 'string' && v.length <= 300, isUuid]) as [string, string])
    : undefined;
  const { rows, total } = await store.facilitiesPage(em, {
    filter: { kecamatanCode: filter.kecamatanCode, kelurahanCode: filter.kelurahanCode, type: filter.type },
    after,
    limit: size + 1,
  });
  return toConnection(rows, size, total, (f) => [f.name, f.id], toNode);
}
