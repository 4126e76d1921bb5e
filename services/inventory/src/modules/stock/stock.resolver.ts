import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Connection } from '@victori/shared';
import { callerOf, type InventoryContext } from '../../context.js';
import { facilityRef, FacilityRef } from '../../external/facility.stub.js';
import { doseReconciliations, resolveDoseReconciliation, type ReconciliationRow } from '../administration/administration.service.js';
import { toLedgerEntry, toLot } from '../lot/lot.mapper.js';
import { productOf } from '../product/product.field.js';
import * as stock from './stock.service.js';
import {
  AdjustStockInput,
  DoseReconciliation,
  DoseReconciliationConnection,
  FacilityStock,
  OpenedVial,
  PhysicalCountInput,
  RecallAffectedSession,
  RecallFacility,
  RecallReport,
  ReceiveStockInput,
  StockMovement,
  TransferStockInput,
} from './stock.type.js';

const movement = (m: stock.MovementResult): StockMovement =>
  Object.assign(new StockMovement(), { lot: toLot(m.lot), entries: m.entries.map(toLedgerEntry) });

const reconciliation = (r: ReconciliationRow): DoseReconciliation =>
  Object.assign(new DoseReconciliation(), { ...r, facility: facilityRef(r.facilityId) });

@Resolver(() => FacilityRef)
export class FacilityStockResolver {
  // Nullable: inventory being down costs a facility's stock, not the facility (booking owns it).
  @FieldResolver(() => [FacilityStock], { nullable: true, description: 'Vaccine stock at this facility, per product it holds; public' })
  async stock(@Root() facility: FacilityRef, @Ctx() ctx: InventoryContext): Promise<FacilityStock[]> {
    const rows = await stock.facilityStock(ctx, facility.id);
    return Promise.all(
      rows.map(async (r) =>
        Object.assign(new FacilityStock(), {
          product: await productOf(ctx, r.productCode),
          usableDoses: r.usableDoses,
          onHandDoses: r.onHandDoses,
        }),
      ),
    );
  }
}

@Resolver()
export class StockOperationsResolver {
  @Mutation(() => StockMovement, { description: 'A delivery into the city vaccine store. Admins and health workers of the city store.' })
  async receiveStock(
    @Ctx() ctx: InventoryContext,
    @Arg('input', () => ReceiveStockInput) input: ReceiveStockInput,
  ): Promise<StockMovement> {
    return movement(await stock.receiveStock(ctx.em, ctx.config, input, callerOf(ctx)));
  }

  @Mutation(() => StockMovement, {
    description: 'Moves doses of a lot to another facility (both sides or neither). Health workers of the sending facility and admins.',
  })
  async transferStock(
    @Ctx() ctx: InventoryContext,
    @Arg('input', () => TransferStockInput) input: TransferStockInput,
  ): Promise<StockMovement> {
    return movement(await stock.transferStock(ctx.em, ctx.config, input, callerOf(ctx)));
  }

  @Mutation(() => StockMovement, { description: 'Takes doses out of stock with a reason. Health workers of the facility and admins.' })
  async adjustStock(@Ctx() ctx: InventoryContext, @Arg('input', () => AdjustStockInput) input: AdjustStockInput): Promise<StockMovement> {
    return movement(await stock.adjustStock(ctx.em, ctx.config, input, callerOf(ctx)));
  }

  @Mutation(() => StockMovement, { description: 'Sets a lot balance to what was counted. Health workers of the facility and admins.' })
  async recordPhysicalCount(
    @Ctx() ctx: InventoryContext,
    @Arg('input', () => PhysicalCountInput) input: PhysicalCountInput,
  ): Promise<StockMovement> {
    return movement(await stock.recordPhysicalCount(ctx.em, ctx.config, input, callerOf(ctx)));
  }

  @Mutation(() => StockMovement, {
    description: 'Records the VVM stage of a lot at a facility (3 and 4 make it unusable). Health workers of the facility and admins.',
  })
  async recordVvmStage(
    @Ctx() ctx: InventoryContext,
    @Arg('facilityId', () => ID) facilityId: string,
    @Arg('lotId', () => ID) lotId: string,
    @Arg('vvmStage', () => Int) vvmStage: number,
  ): Promise<StockMovement> {
    const lot = await stock.setVvmStage(ctx.em, ctx.config, { facilityId, lotId, vvmStage }, callerOf(ctx));
    return movement({ lot, entries: [] });
  }

  @Mutation(() => RecallReport, { description: 'Recalls a lot everywhere and reports the affected facilities and open sessions. Admins.' })
  async recallLot(
    @Ctx() ctx: InventoryContext,
    @Arg('lotId', () => ID) lotId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<RecallReport> {
    const report = await stock.recallLot(ctx.em, ctx.config, { lotId, reason }, callerOf(ctx));
    return Object.assign(new RecallReport(), {
      lot: toLot(report.lot),
      totalDosesRemoved: report.totalDosesRemoved,
      facilities: report.facilities.map((f) =>
        Object.assign(new RecallFacility(), {
          facilityId: f.facilityId,
          facility: facilityRef(f.facilityId),
          facilityCode: f.code,
          facilityName: f.name,
          dosesRemoved: f.dosesRemoved,
          usableDosesAfter: f.usableDosesAfter,
        }),
      ),
      sessions: report.sessions.map((s) => Object.assign(new RecallAffectedSession(), s)),
    });
  }

  @Mutation(() => OpenedVial, { description: 'Records that a multi-dose vial was opened. Health workers of the facility and admins.' })
  async openVial(
    @Ctx() ctx: InventoryContext,
    @Arg('facilityId', () => ID) facilityId: string,
    @Arg('lotId', () => ID) lotId: string,
  ): Promise<OpenedVial> {
    return Object.assign(new OpenedVial(), await stock.openVial(ctx.em, { facilityId, lotId }, callerOf(ctx)));
  }

  @Query(() => DoseReconciliationConnection, {
    description:
      'Recorded doses the stock could not cover (unknown lot, not held, no balance, recalled), oldest first, cursor-paginated. Admins; health workers for their facility.',
  })
  async doseReconciliations(
    @Ctx() ctx: InventoryContext,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('includeResolved', () => Boolean, { defaultValue: false }) includeResolved = false,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 1000' }) first = 100,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<DoseReconciliation>> {
    return doseReconciliations(ctx.em, callerOf(ctx), { facilityId, includeResolved, first, after }, reconciliation);
  }

  @Mutation(() => DoseReconciliation, {
    description: 'Marks a flagged dose as reconciled (stock itself moves only through the ledger). Admins; health workers of the facility.',
  })
  async resolveDoseReconciliation(
    @Ctx() ctx: InventoryContext,
    @Arg('doseRecordId', () => ID) doseRecordId: string,
    @Arg('resolution', () => String) resolution: string,
  ): Promise<DoseReconciliation> {
    return reconciliation(await resolveDoseReconciliation(ctx.em, callerOf(ctx), { doseRecordId, resolution }));
  }
}
