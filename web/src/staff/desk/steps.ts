import type { DayAppointment, DayPack, DueChild, Entry } from './store.js';

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

/** A due child's doses not yet entered on this device (an entry that was not discarded counts as given). */
export function dueLeft(child: DueChild, entries: Entry[]): DueChild['dueDoses'] {
  return child.dueDoses.filter(
    (d) => !entries.some((e) => e.input.personId === child.personId && e.input.doseKind === d.doseKind && !e.resolution),
  );
}

/** The product to give a due dose with: the first of the dose's products the facility has usable lots of. */
export function productFor(pack: DayPack, productCodes: readonly string[]): string | undefined {
  return productCodes.find((p) => lotChoices(pack, p).length > 0) ?? productCodes[0];
}
