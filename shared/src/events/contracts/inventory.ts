import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** One ledger entry. aggregateId: `${facilityId}:${lotId}` (per facility holding of a lot). */
export const StockChanged = defineEvent(
  'stock.changed',
  1,
  z.object({
    entryId: z.string(),
    facilityId: z.string().uuid(),
    productCode: z.string(),
    lotNumber: z.string(),
    /** RECEIPT, TRANSFER_OUT, TRANSFER_IN, ADMINISTERED, OPENED_VIAL_DISCARD, EXPIRED, DAMAGED, COLD_CHAIN_FAILURE, RECALL, PHYSICAL_COUNT */
    reason: z.string(),
    /** Signed change in doses. */
    quantity: z.number().int(),
    balanceAfter: z.number().int().nonnegative(),
    at: z.string().datetime({ offset: true }),
  }),
);
export type StockChangedPayload = z.infer<typeof StockChanged.schema>;

/**
 * Usable doses (unexpired, unrecalled, usable VVM) of one product at one facility after a change:
 * the cap on what booking may sell. aggregateId: `${facilityId}:${productCode}`.
 */
export const UsableStockChanged = defineEvent(
  'stock.usable-changed',
  1,
  z.object({
    facilityId: z.string().uuid(),
    productCode: z.string(),
    usableDoses: z.number().int().nonnegative(),
    at: z.string().datetime({ offset: true }),
  }),
);
export type UsableStockChangedPayload = z.infer<typeof UsableStockChanged.schema>;
