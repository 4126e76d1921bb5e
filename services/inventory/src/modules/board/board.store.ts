import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';
import { USABLE_VVM_MAX } from '../ledger/ledger.store.js';
import type { BoardFilter } from './board.service.js';

export interface PairRow {
  facility_id: string;
  product_code: string;
  on_hand: string;
  usable: string;
  administered: string;
  stock_out_days: string;
}

/**
 * One row per facility and product that ever moved: stock now, doses administered in the last `n`
 * days and stock-out days in that window (calendar days in `timeZone`, up to `today`).
 */
export async function boardPairs(em: EntityManager, f: BoardFilter & { today: string; n: number; timeZone: string }): Promise<PairRow[]> {
  const conditions: string[] = ['true'];
  const params: Record<string, unknown> = { today: f.today, n: f.n, tz: f.timeZone };
  if (f.productCode) {
    conditions.push(`pr.code = :productCode`);
    params.productCode = f.productCode;
  }
  if (f.programme) {
    conditions.push(`pr.programme = :programme`);
    params.programme = f.programme;
  }
  if (f.kecamatanCode) {
    conditions.push(`f.kecamatan_code = :kecamatanCode`);
    params.kecamatanCode = f.kecamatanCode;
  }
  if (f.facilityId) {
    conditions.push(`f.facility_id = :facilityId`);
    params.facilityId = f.facilityId;
  }
  // Window: the last n calendar days up to today, in the configured time zone.
  return sql<PairRow>(
    em,
    `with w as (select :today::date as today, :n::int as n, :tz::text as tz),
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
    params,
  );
}

export interface DirectoryRow {
  facility_id: string;
  code: string;
  name: string;
  type: string;
  kecamatan_code: string;
}

export async function facilityDirectory(em: EntityManager): Promise<DirectoryRow[]> {
  return sql<DirectoryRow>(em, `select facility_id, code, name, type, kecamatan_code from facility_directory`);
}
