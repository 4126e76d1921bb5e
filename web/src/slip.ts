import type { BookAppointmentMutation } from './gql/graphql.js';

export type Booked = BookAppointmentMutation['bookAppointment'];

/**
 * The appointments booked on this device in this tab (the confirmation page and "my appointments" read
 * them); sessionStorage, so they are gone when the tab closes on a shared phone.
 */
const KEY = 'victori.booked';

/** `forChild`: booked from the parents' page for a child (the confirmation leads back there). */
export function remember(a: Booked, sessionId: string, extra: { forChild?: boolean } = {}): void {
  const all = recall();
  all[a.id] = { ...a, sessionId, ...extra };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or off: the confirmation is still on screen.
  }
}

export function recall(): Record<string, Booked & { sessionId: string; forChild?: boolean }> {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, Booked & { sessionId: string; forChild?: boolean }>;
  } catch {
    return {};
  }
}
