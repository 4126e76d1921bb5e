import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { badInput, decodeCursor, pageSize, toConnection, type Connection } from '@victori/shared';
import { inventoryPolicy } from '../../policy.js';
import type { InventoryContext } from '../../context.js';
import { toLedgerEntry } from '../lot/lot.mapper.js';
import { productOf } from '../product/product.field.js';
import { VaccineProduct } from '../product/product.type.js';
import { UUID_RE } from '../stock/stock.service.js';
import { countLedger, listLedger } from './ledger.query.js';
import { LedgerEntry, LedgerEntryConnection, StockReasonEnum } from './ledger.type.js';

function parseInstant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const d = new Date(value);
  // Years past 9999 parse in JavaScript ("+275760-09-13") but PostgreSQL refuses their ISO form with a driver error.
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
    throw badInput(field, { id: 'Waktu tidak valid (ISO 8601)', en: 'Invalid time (ISO 8601)' });
  return d;
}

@Resolver(() => LedgerEntry)
export class LedgerResolver {
  @Query(() => LedgerEntryConnection, {
    description:
      'Ledger entries with actors, newest first, cursor-paginated. Health workers see their own facility; admins every facility.',
  })
  async stockLedger(
    @Ctx() ctx: InventoryContext,
    @Arg('facilityId', () => ID, { nullable: true, description: "Defaults to the health worker's facility; admins may omit it" })
    facilityId?: string,
    @Arg('lotId', () => ID, { nullable: true }) lotId?: string,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
    @Arg('reason', () => StockReasonEnum, { nullable: true }) reason?: StockReasonEnum,
    @Arg('from', () => String, { nullable: true, description: 'ISO 8601, inclusive' }) from?: string,
    @Arg('to', () => String, { nullable: true, description: 'ISO 8601, exclusive' }) to?: string,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 1000' }) first = 100,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string,
  ): Promise<Connection<LedgerEntry>> {
    const facility = inventoryPolicy.listScope(ctx.request.claims, facilityId);
    const size = pageSize(first, 100, 1000);
    const beforeId = after ? String(decodeCursor(after, [(v) => typeof v === 'string' && /^\d{1,18}$/.test(v)])[0]) : undefined;
    if ((facility && !UUID_RE.test(facility)) || (lotId && !UUID_RE.test(lotId))) return toConnection([], size, 0, () => [], toLedgerEntry);
    const filter = {
      facilityId: facility,
      lotId,
      productCode,
      reason,
      from: parseInstant('from', from),
      to: parseInstant('to', to),
    };
    const [rows, total] = await Promise.all([listLedger(ctx.em, { ...filter, beforeId, limit: size + 1 }), countLedger(ctx.em, filter)]);
    return toConnection(rows, size, total, (r) => [r.id], toLedgerEntry);
  }

  @FieldResolver(() => VaccineProduct)
  product(@Root() entry: LedgerEntry, @Ctx() ctx: InventoryContext): Promise<VaccineProduct> {
    return productOf(ctx, entry.productCode);
  }
}
