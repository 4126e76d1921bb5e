import type { DayAppointment, DayPack, Entry } from './store.js';

export type Step = 'check-in' | 'register' | 'dose' | 'done' | 'closed';

/** The step a person's status calls for: check in, register in the registry, dose entry, done. */
export function stepFor(a: DayAppointment, pack: DayPack, entries: Entry[]): Step {
  const entered = entries.some((e) => e.input.appointmentId === a.id && !e.resolution);
  if (a.status === 'COMPLETED' || entered) return 'done';
  if (a.status === 'CANCELLED' || a.status === 'NO_SHOW') return 'closed';
  if (a.status !== 'CHECKED_IN' && !pack.localCheckIns.includes(a.id)) return 'check-in';
  if (!a.person) return 'register';
  return 'dose';
}

/** The facility's usable lots of a product, the FEFO pick (inventory's fefoSuggestion) first, then by expiry. */
export function lotChoices(pack: DayPack, productCode: string): { lotNumber: string; expiryDate: string; fefo: boolean }[] {
  const lots = pack.lots[productCode];
  if (!lots) return [];
  const fefo = lots.fefoSuggestion.picks[0]?.lot.lotNumber;
  const usable = lots.lots.filter((l) => !l.recalled && l.expiryDate >= pack.date);
  const ordered = [...usable].sort((x, y) =>
    x.lotNumber === fefo ? -1 : y.lotNumber === fefo ? 1 : x.expiryDate.localeCompare(y.expiryDate),
  );
  return ordered.map((l) => ({ lotNumber: l.lotNumber, expiryDate: l.expiryDate, fefo: l.lotNumber === fefo }));
}
