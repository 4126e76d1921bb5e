import { allowRoles, facilityStaff, forbidden, partnersSeeAggregatesOnly, type Claims } from '@victori/shared';

/**
 * Who may see and move stock: the one place inventory's services ask, first (shared/src/policy.ts).
 */
export const inventoryPolicy = {
  /** Public reads (the catalogue, lots, the stock board, a facility's usable stock): anyone, no decision. */
  publicRead(): void {},

  /** Work triggered by another service's event (a recorded dose), not by a caller: the event was authorised where it was made. */
  fromEvent(): void {},

  /** Movements and details of one facility's stock: its health workers and admins. */
  facility(claims: Claims, facilityId: string): void {
    facilityStaff(claims, facilityId, 'Fasilitas', 'facilityId');
  },

  /** Deliveries come into the city vaccine store: its health workers and admins. */
  cityStore(claims: Claims, cityStoreFacilityId: string): void {
    facilityStaff(claims, cityStoreFacilityId, 'Fasilitas', 'facilityId');
  },

  /** Whether stock is still catching up with recorded doses (events not yet applied): staff. */
  projectionLag(claims: Claims): void {
    allowRoles(claims, 'admin', 'health-worker');
  },

  /** Recalls act on every facility at once: admins. */
  admin(claims: Claims): void {
    allowRoles(claims, 'admin');
  },

  /**
   * Lists across facilities (ledger, reconciliations): the facility a caller may list, or undefined for
   * an admin's city-wide list. A health worker without a facility argument gets their own.
   */
  listScope(claims: Claims, facilityId: string | undefined): string | undefined {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'health-worker', 'admin');
    const facility = facilityId ?? (claims.role === 'health-worker' ? claims.facilityId : undefined);
    if (facility) {
      facilityStaff(claims, facility, 'Fasilitas', 'facilityId');
      return facility;
    }
    if (claims.role !== 'admin') {
      throw forbidden(
        'Stock details are for health workers of the facility and admins',
        'Rincian stok hanya untuk petugas fasilitas dan admin',
      );
    }
    return undefined;
  },

  /**
   * One facility's flagged dose, after it was looked up (`facilityId` undefined when there is none):
   * roles first, then the facility; strangers get one answer whether or not it exists.
   */
  reconciliation(claims: Claims, facilityId: string | undefined | 'before'): void {
    if (facilityId === 'before') {
      allowRoles(claims, 'health-worker', 'admin');
      return;
    }
    facilityStaff(claims, facilityId, 'Dosis', 'doseRecordId');
  },
};
