import { areaRef } from '../../external/area.stub.js';
import type { FacilityEntity } from './facility.entity.js';
import { Facility, FacilityType, OpeningHours } from './facility.type.js';

export function toFacility(e: FacilityEntity): Facility {
  return Object.assign(new Facility(), {
    id: e.id,
    code: e.code,
    name: e.name,
    type: FacilityType[e.type],
    kelurahanCode: e.kelurahanCode,
    kecamatanCode: e.kecamatanCode,
    area: areaRef(e.kelurahanCode),
    address: e.address,
    latitude: e.latitude ?? undefined,
    longitude: e.longitude ?? undefined,
    phone: e.phone ?? undefined,
    email: e.email ?? undefined,
    openingHours: e.openingHours.map((h) => Object.assign(new OpeningHours(), h)),
    active: e.active,
    satusehatOrganizationId: e.satusehatOrganizationId ?? undefined,
    satusehatLocationId: e.satusehatLocationId ?? undefined,
  });
}
