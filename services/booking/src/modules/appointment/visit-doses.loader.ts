import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { visitDoses, type AppointmentDoseRow } from './visit-doses.store.js';

/** The antigens of each appointment of a visit (none for a single-antigen appointment): one statement per request for a whole list. */
export function createAppointmentDosesLoader(em: EntityManager): DataLoader<string, AppointmentDoseRow[]> {
  return new DataLoader(async (ids) => {
    const rows = await visitDoses(em, [...ids]);
    const byAppointment = new Map<string, AppointmentDoseRow[]>();
    for (const r of rows) {
      const list = byAppointment.get(r.appointment_id);
      if (list) list.push(r);
      else byAppointment.set(r.appointment_id, [r]);
    }
    return ids.map((id) => byAppointment.get(id) ?? []);
  });
}
