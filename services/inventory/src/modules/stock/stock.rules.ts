import { badInput, conflict } from '@victori/shared';
import type { LotRow } from '../ledger/ledger.store.js';

/** Validation rules of stock movements: pure, typed errors, no database. */

export const MAX_DOSES = 10_000_000;

export function checkDoses(doses: number, field = 'doses'): void {
  if (!Number.isInteger(doses) || doses <= 0 || doses > MAX_DOSES) {
    throw badInput(field, { id: 'Jumlah dosis harus bilangan bulat positif', en: 'Doses must be a positive whole number' });
  }
}

export function checkNote(note: string | undefined): string | undefined {
  const trimmed = note?.trim();
  if (trimmed && trimmed.length > 1000)
    throw badInput('note', { id: 'Catatan terlalu panjang (maks. 1000)', en: 'Note too long (max 1000)' });
  return trimmed || undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export function validDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function checkVvm(product: { usesVvm: boolean }, stage: number | undefined): void {
  if (stage === undefined) return;
  if (!product.usesVvm) throw badInput('vvmStage', { id: 'Produk ini tidak memakai VVM', en: 'This product has no VVM' });
  if (!Number.isInteger(stage) || stage < 1 || stage > 4)
    throw badInput('vvmStage', { id: 'Tahap VVM 1 sampai 4', en: 'VVM stage is 1 to 4' });
}

export function refuseRecalled(lot: LotRow): void {
  if (lot.recalledAt) {
    throw conflict({ id: `Lot ${lot.lotNumber} telah ditarik (recall)`, en: `Lot ${lot.lotNumber} has been recalled` }, { field: 'lotId' });
  }
}

export function clampLimit(limit: number, max = 1000): number {
  if (!Number.isInteger(limit) || limit < 1) throw badInput('limit', { id: 'limit minimal 1', en: 'limit must be at least 1' });
  return Math.min(limit, max);
}

export function parseInstant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const d = new Date(value);
  // Years past 9999 parse in JavaScript ("+275760-09-13") but PostgreSQL refuses their ISO form with a driver error.
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
    throw badInput(field, { id: 'Waktu tidak valid (ISO 8601)', en: 'Invalid time (ISO 8601)' });
  return d;
}
