import type { EntityManager } from '@mikro-orm/postgresql';
import { semarangAreas } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import { localDate, USABLE_VVM_MAX } from '../ledger/ledger.service.js';

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

interface PairRow {
  facility_id: string;
  product_code: string;
  on_hand: string;
  usable: string;
  administered: string;
  stock_out_days: string;
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
  const today = localDate(now, config.timeZone);
  const n = config.useRateDays;
  const conditions: string[] = ['true'];
  const params: unknown[] = [];
  if (filter.productCode) {
    conditions.push(`pr.code = ?`);
    params.push(filter.productCode);
  }
  if (filter.programme) {
    conditions.push(`pr.programme = ?`);
    params.push(filter.programme);
  }
  if (filter.kecamatanCode) {
    conditions.push(`f.kecamatan_code = ?`);
    params.push(filter.kecamatanCode);
  }
  if (filter.facilityId) {
    conditions.push(`f.facility_id = ?`);
    params.push(filter.facilityId);
  }
  // Window: the last n calendar days up to today, in the configured time zone.
  const rows = await em.execute<PairRow[]>(
    `with w as (select ?::date as today, ?::int as n, ?::text as tz),
     net as (
       select e.facility_id, l.product_code, (e.at at time zone w.tz)::date as day, sum(e.quantity) as q,
              -sum(e.quantity) filter (where e.reason = 'ADMINISTERED') as administered
         from stock_ledger_entry e join lot l on l.id = e.lot_id, w
        group by 1, 2, 3),
     pairs as (select facility_id, product_code, min(day) as first_day from net group by 1, 2),
     days as (select generate_series(w.today - (w.n - 1), w.today, interval '1 day')::date as day from w),
     opening as (select net.facility_id, net.product_code, sum(q) as q from net, w where net.day < w.today - (w.n - 1) group by 1, 2),
     grid as (
       select p.facility_id, p.product_code, d.day,
              coalesce(o.q, 0) + sum(coalesce(x.q, 0)) over (partition by p.facility_id, p.product_code order by d.day) as closing
         from pairs p cross join days d
         left join opening o on o.facility_id = p.facility_id and o.product_code = p.product_code
         left join net x on x.facility_id = p.facility_id and x.product_code = p.product_code and x.day = d.day),
     outs as (
       select g.facility_id, g.product_code, count(*) filter (where g.closing <= 0 and g.day >= p.first_day) as stock_out_days
         from grid g join pairs p using (facility_id, product_code) group by 1, 2),
     used as (select net.facility_id, net.product_code, coalesce(sum(administered), 0) as administered
                from net, w where net.day > w.today - w.n group by 1, 2),
     now_stock as (
       select h.facility_id, l.product_code, sum(h.balance) as on_hand,
              sum(h.balance) filter (where l.recalled_at is null and l.expiry_date >= w.today and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})) as usable
         from stock_holding h join lot l on l.id = h.lot_id, w group by 1, 2)
     select p.facility_id, p.product_code, coalesce(s.on_hand, 0) as on_hand, coalesce(s.usable, 0) as usable,
            coalesce(u.administered, 0) as administered, coalesce(o.stock_out_days, 0) as stock_out_days
       from pairs p
       join facility_directory f on f.facility_id = p.facility_id
       join vaccine_product pr on pr.code = p.product_code
       left join now_stock s on s.facility_id = p.facility_id and s.product_code = p.product_code
       left join used u on u.facility_id = p.facility_id and u.product_code = p.product_code
       left join outs o on o.facility_id = p.facility_id and o.product_code = p.product_code
      where ${conditions.join(' and ')}
      order by p.facility_id, p.product_code`,
    [today, n, config.timeZone, ...params],
  );
  const directory = await em.execute<{ facility_id: string; code: string; name: string; type: string; kecamatan_code: string }[]>(
    `select facility_id, code, name, type, kecamatan_code from facility_directory`,
  );
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
