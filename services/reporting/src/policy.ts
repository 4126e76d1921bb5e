import { allowRoles, type Claims } from '@victori/shared';
import type { ReportingSettings } from './config.js';

/**
 * Who sees which numbers: the one place reporting's services ask (shared/src/policy.ts). Reporting holds
 * aggregates only, so every read is public; what differs is suppression of small counts.
 */
export const reportingPolicy = {
  /** Facility aggregates (appointments and stock per facility and day) hold no small counts of people: anyone reads them. */
  publicRead(): void {},

  /** Admins see every number; partners, the public and everyone else get the suppressed view. */
  view(claims: Claims, settings: ReportingSettings): { threshold: number } | null {
    return claims.role === 'admin' ? null : { threshold: settings.config.suppressionThreshold };
  },

  /**
   * Exports are files for the partners' own tools and the city office's (DHIS2, spreadsheets): partners
   * and admins, signed in. The numbers in them are the caller's view (suppressed for partners).
   */
  exportTables(claims: Claims): void {
    allowRoles(claims, 'admin', 'partner');
  },

  /** Whether the numbers are still catching up (events not yet applied): staff, who explain the numbers. */
  projectionLag(claims: Claims): void {
    allowRoles(claims, 'admin', 'health-worker');
  },

  /** Target populations are the city health office's: admins import them. */
  importTargets(claims: Claims): void {
    allowRoles(claims, 'admin');
  },
};
