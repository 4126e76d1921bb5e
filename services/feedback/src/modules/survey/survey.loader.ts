import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { invitationsOfAppointments, totalsByFacility, type FacilityTotals, type InvitationRow } from './survey.store.js';
import { isUuid } from '@victori/shared';

/** Per-request loaders: invitations by appointment, and the city's survey totals by period (one statement each). */
export function createSurveyLoaders(em: EntityManager) {
  return {
    invitation: new DataLoader<string, InvitationRow | null>(async (appointmentIds) => {
      const rows = await invitationsOfAppointments(em, { appointmentIds: appointmentIds.filter(isUuid) });
      const byId = new Map(rows.map((r) => [r.appointmentId, r]));
      return appointmentIds.map((id) => byId.get(id) ?? null);
    }),
    /** Key: `${from}|${to}`; every facility's totals, since suppression is decided over the whole city. */
    surveyTotals: new DataLoader<string, FacilityTotals[]>(async (periods) =>
      Promise.all(
        periods.map((p) => {
          const [from, to] = p.split('|') as [string, string];
          return totalsByFacility(em, { from, to });
        }),
      ),
    ),
  };
}
