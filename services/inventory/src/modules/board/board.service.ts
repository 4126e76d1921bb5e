import type { EntityManager } from '@mikro-orm/postgresql';
import { semarangAreas, isUuid } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import { inventoryPolicy } from '../../policy.js';
import { localDate } from '../ledger/ledger.store.js';
import * as store from './board.store.js';
import type { PairRow } from './board.store.js';

export interface StockFigures {
  productCode: string;
  onHandDoses: number;
  usableDoses: number;
  /** Doses administered in the use-rate window. */
  administeredDoses: number;
  dailyUseRate: number;
  /** Usable doses divided by the daily use rate; null when nothing was used in the window. */
  daysOfStockLeft: number | null;
  /** Days of the window that ended with nothing on hand (for an area: facility-days). */
  stockOutDays: number;
  /** Facilities whose usable stock of the product is zero now (among those that ever held it). */
  facilitiesStockedOut: number;
}

export interface FacilityLine {
  facilityId: string;
  code: string;
  name: string;
  type: string;
  kecamatanCode: string;
  totals: StockFigures[];
}

export interface StockBoardData {
  asOf: string;
  today: string;
  useRateDays: number;
  city: StockFigures[];
  kecamatan: { kecamatanCode: string; kecamatanName: string; totals: StockFigures[] }[];
  facilities: FacilityLine[];
}

export interface BoardFilter {
  productCode?: string;
  programme?: string;
  kecamatanCode?: string;
  facilityId?: string;
}

/**
 * The public stock board: usable and on-hand doses per facility and product, with the recent daily
 * use rate, days of stock left and stock-out days, and the same figures summed per kecamatan and for
 * the city. The city store counts in the city total, not in its kecamatan's.
 */
export async function stockBoard(
  em: EntityManager,
  config: InventoryConfig,
  filter: BoardFilter,
  now = new Date(),
): Promise<StockBoardData> {
  inventoryPolicy.publicRead();
  // An id that is no facility's shows an empty board, not an error.
  if (filter.facilityId !== undefined && filter.facilityId !== null && !isUuid(filter.facilityId)) {
    filter = { ...filter, facilityId: '00000000-0000-0000-0000-000000000000' };
  }
  const today = localDate(now, config.timeZone);
  const n = config.useRateDays;
  const rows = await store.boardPairs(em, { today, n, timeZone: config.timeZone, ...filter });
  const directory = await store.facilityDirectory(em);
  const byId = new Map(directory.map((d) => [d.facility_id, d]));
  const figures = (r: PairRow): StockFigures => {
    const usable = Number(r.usable);
    const administered = Number(r.administered);
    return finish({
      productCode: r.product_code,
      onHandDoses: Number(r.on_hand),
      usableDoses: usable,
      administeredDoses: administered,
      dailyUseRate: 0,
      daysOfStockLeft: null,
      stockOutDays: Number(r.stock_out_days),
      facilitiesStockedOut: usable === 0 ? 1 : 0,
    });
  };
  const finish = (f: StockFigures): StockFigures => {
    const rate = f.administeredDoses > 0 ? f.administeredDoses / n : 0;
    return {
      ...f,
      dailyUseRate: Math.round(rate * 100) / 100,
      daysOfStockLeft: rate > 0 ? Math.floor((f.usableDoses / rate) * 10) / 10 : null,
    };
  };
  const facilities = new Map<string, FacilityLine>();
  const kecamatan = new Map<string, Map<string, StockFigures>>();
  const city = new Map<string, StockFigures>();
  const add = (into: Map<string, StockFigures>, f: StockFigures) => {
    const t = into.get(f.productCode);
    if (!t) {
      into.set(f.productCode, { ...f });
      return;
    }
    t.onHandDoses += f.onHandDoses;
    t.usableDoses += f.usableDoses;
    t.administeredDoses += f.administeredDoses;
    t.stockOutDays += f.stockOutDays;
    t.facilitiesStockedOut += f.facilitiesStockedOut;
  };
  for (const r of rows) {
    const d = byId.get(r.facility_id)!;
    const f = figures(r);
    let line = facilities.get(r.facility_id);
    if (!line) {
      line = { facilityId: r.facility_id, code: d.code, name: d.name, type: d.type, kecamatanCode: d.kecamatan_code, totals: [] };
      facilities.set(r.facility_id, line);
    }
    line.totals.push(f);
    add(city, f);
    if (d.type !== 'CITY_STORE') {
      if (!kecamatan.has(d.kecamatan_code)) kecamatan.set(d.kecamatan_code, new Map());
      add(kecamatan.get(d.kecamatan_code)!, f);
    }
  }
  const names = new Map(semarangAreas().map((a) => [a.code, a.name]));
  return {
    asOf: now.toISOString(),
    today,
    useRateDays: n,
    city: [...city.values()].map(finish).sort((a, b) => a.productCode.localeCompare(b.productCode)),
    kecamatan: [...kecamatan.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, totals]) => ({
        kecamatanCode: code,
        kecamatanName: names.get(code) ?? code,
        totals: [...totals.values()].map(finish).sort((a, b) => a.productCode.localeCompare(b.productCode)),
      })),
    facilities: [...facilities.values()].sort((a, b) => a.code.localeCompare(b.code)),
  };
}
