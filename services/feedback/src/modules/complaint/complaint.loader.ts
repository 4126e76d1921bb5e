import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FeedbackConfig } from '../../config.js';
import {
  eventsOfComplaints,
  findComplaints,
  openComplaintsOfFacilities,
  type ComplaintEventRow,
  type ComplaintRow,
} from './complaint.store.js';
import { isUuid } from '@victori/shared';

/** Per-request loaders: complaints, their histories and facilities' queues, one statement per tick each. */
export function createComplaintLoaders(em: EntityManager, config: FeedbackConfig) {
  return {
    complaint: new DataLoader<string, ComplaintRow | null>(async (ids) => {
      const rows = await findComplaints(em, { ids: ids.filter(isUuid) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    complaintEvents: new DataLoader<string, ComplaintEventRow[]>(async (ids) => {
      const rows = await eventsOfComplaints(em, { ids });
      return ids.map((id) => rows.filter((r) => r.complaintId === id));
    }),
    facilityComplaints: new DataLoader<string, ComplaintRow[]>(async (facilityIds) => {
      const rows = await openComplaintsOfFacilities(em, {
        facilityIds: facilityIds.filter(isUuid),
        limit: config.listLimit,
      });
      return facilityIds.map((id) => rows.filter((r) => r.facilityId === id).slice(0, config.listLimit));
    }),
  };
}
