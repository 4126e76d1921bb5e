import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { callerOf, type InventoryContext } from '../../context.js';
import { toLedgerEntry } from '../lot/lot.mapper.js';
import { productOf } from '../product/product.field.js';
import { VaccineProduct } from '../product/product.type.js';
import { stockLedger } from './ledger.service.js';
import { LedgerEntry, StockReasonEnum } from './ledger.type.js';
@Resolver(() => LedgerEntry)
export class LedgerResolver {
  @Query(() => [LedgerEntry], {
    description: 'Ledger entries with actors, newest first. Health workers see their own facility; admins every facility.',
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
    @Arg('before', () => ID, { nullable: true, description: 'Entries older than this entry id (paging)' }) before?: string,
    @Arg('limit', () => Int, { defaultValue: 100 }) limit = 100,
  ): Promise<LedgerEntry[]> {
    const rows = await stockLedger(ctx.em, callerOf(ctx), { facilityId, lotId, productCode, reason, from, to, before, limit });
    return rows.map(toLedgerEntry);
  }

  @FieldResolver(() => VaccineProduct)
  product(@Root() entry: LedgerEntry, @Ctx() ctx: InventoryContext): Promise<VaccineProduct> {
    return productOf(ctx, entry.productCode);
  }
}
