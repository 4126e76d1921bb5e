import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { DateTimeScalar, type Connection } from '@victori/shared';
import { callerOf, type InventoryContext } from '../../context.js';
import { toLedgerEntry } from '../lot/lot.mapper.js';
import { productOf } from '../product/product.field.js';
import { VaccineProduct } from '../product/product.type.js';
import { stockLedger } from './ledger.service.js';
import { LedgerEntry, LedgerEntryConnection, StockReasonEnum } from './ledger.type.js';

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
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'ISO 8601, inclusive' }) from?: string,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'ISO 8601, exclusive' }) to?: string,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 1000' }) first = 100,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string,
  ): Promise<Connection<LedgerEntry>> {
    return stockLedger(ctx.em, callerOf(ctx), { facilityId, lotId, productCode, reason, from, to, first, after }, toLedgerEntry);
  }

  @FieldResolver(() => VaccineProduct)
  product(@Root() entry: LedgerEntry, @Ctx() ctx: InventoryContext): Promise<VaccineProduct> {
    return productOf(ctx, entry.productCode);
  }
}
