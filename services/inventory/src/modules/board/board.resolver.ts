import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../../context.js';
import { facilityRef } from '../../external/facility.stub.js';
import { productOf } from '../product/product.field.js';
import { VaccineProduct } from '../product/product.type.js';
import { stockBoard } from './board.service.js';
import { FacilityStockLine, KecamatanStock, StockBoard, StockTotal } from './board.type.js';

const total = (f: object): StockTotal => Object.assign(new StockTotal(), f);

@Resolver(() => StockBoard)
export class BoardResolver {
  @Query(() => StockBoard, { description: 'The public stock board: per facility and product, kecamatan and city totals. Public.' })
  async stockBoard(
    @Ctx() ctx: InventoryContext,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
    @Arg('kecamatanCode', () => String, { nullable: true }) kecamatanCode?: string,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
  ): Promise<StockBoard> {
    const data = await stockBoard(ctx.em, ctx.config, { productCode, programme, kecamatanCode, facilityId });
    return Object.assign(new StockBoard(), {
      asOf: data.asOf,
      today: data.today,
      useRateDays: data.useRateDays,
      city: data.city.map(total),
      kecamatan: data.kecamatan.map((k) => Object.assign(new KecamatanStock(), { ...k, totals: k.totals.map(total) })),
      facilities: data.facilities.map((f) =>
        Object.assign(new FacilityStockLine(), {
          facilityId: f.facilityId,
          facility: facilityRef(f.facilityId),
          facilityCode: f.code,
          facilityName: f.name,
          facilityType: f.type,
          kecamatanCode: f.kecamatanCode,
          totals: f.totals.map(total),
        }),
      ),
    });
  }
}

@Resolver(() => StockTotal)
export class StockTotalResolver {
  @FieldResolver(() => VaccineProduct)
  product(@Root() t: StockTotal, @Ctx() ctx: InventoryContext): Promise<VaccineProduct> {
    return productOf(ctx, t.productCode);
  }
}
