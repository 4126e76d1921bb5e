import { facilityRef } from '../../external/facility.stub.js';
import type { LedgerEntryRow } from '../ledger/ledger.store.js';
import { LedgerEntry, type StockReasonEnum } from '../ledger/ledger.type.js';
import type { LotRow } from '../ledger/ledger.store.js';
import { Lot } from './lot.type.js';

export function toLot(r: LotRow): Lot {
  return Object.assign(new Lot(), {
    id: r.id,
    lotNumber: r.lotNumber,
    productCode: r.productCode,
    expiryDate: r.expiryDate,
    manufacturer: r.manufacturer,
    recalled: r.recalledAt !== null,
    recalledAt: r.recalledAt,
    recallReason: r.recallReason,
  });
}

export function toLedgerEntry(r: LedgerEntryRow & { recordedAt?: string }): LedgerEntry {
  return Object.assign(new LedgerEntry(), { ...r, reason: r.reason as StockReasonEnum, facility: facilityRef(r.facilityId) });
}
