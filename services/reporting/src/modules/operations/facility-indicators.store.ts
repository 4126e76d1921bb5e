import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/** Which facility and product a read is narrowed to (absent: all). */
export interface FacilityProductFilter {
  facilityId?: string | null;
  productCode?: string | null;
}

/** Appointments of one facility, product and session day, by status. */
export interface AppointmentDayRow {
  facilityId: string;
  productCode: string;
  day: string;
  booked: number;
  served: number;
  noShow: number;
  cancelled: number;
}

/** One facility's stock of one product on one day (inventory's ledger, end of day). */
export interface StockDayRow {
  facilityId: string;
  productCode: string;
  day: string;
  onHand: number;
  minOnHand: number;
  received: number;
  administered: number;
  used: number;
}

/** The `and alias.facility_id = :facilityId ...` part of a filtered statement and its parameters (only the given ones). */
function narrowed(alias: string, filter: FacilityProductFilter): { text: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  let text = '';
  if (filter.facilityId) {
    text += ` and ${alias}.facility_id = :facilityId`;
    params.facilityId = filter.facilityId;
  }
  if (filter.productCode) {
    text += ` and ${alias}.product_code = :productCode`;
    params.productCode = filter.productCode;
  }
  return { text, params };
}

/** Appointments per facility, product and session day from `from` to `to` (booking's events). */
export async function appointmentDays(
  em: EntityManager,
  { from, to, ...filter }: { from: string; to: string } & FacilityProductFilter,
): Promise<AppointmentDayRow[]> {
  const n = narrowed('a', filter);
  const rows = await sql<{
    facility_id: string;
    product_code: string;
    day: string;
    booked: string;
    served: string;
    no_show: string;
    cancelled: string;
  }>(
    em,
    `select a.facility_id, a.product_code, to_char(a.session_date, 'YYYY-MM-DD') as day,
            count(*) filter (where a.status <> 'CANCELLED') as booked, count(*) filter (where a.status = 'COMPLETED') as served,
            count(*) filter (where a.status = 'NO_SHOW') as no_show, count(*) filter (where a.status = 'CANCELLED') as cancelled
       from appointment_fact a where a.session_date between :from and :to${n.text}
      group by 1, 2, 3`,
    { from, to, ...n.params },
  );
  return rows.map((r) => ({
    facilityId: r.facility_id,
    productCode: r.product_code,
    day: r.day,
    booked: Number(r.booked),
    served: Number(r.served),
    noShow: Number(r.no_show),
    cancelled: Number(r.cancelled),
  }));
}

/**
 * Stock per facility, product and day from `start` to `to`, plus, per facility and product, the last day
 * before `start` (the level carried in; its movements read as 0).
 */
export async function stockDays(
  em: EntityManager,
  { start, to, ...filter }: { start: string; to: string } & FacilityProductFilter,
): Promise<StockDayRow[]> {
  const n = narrowed('s', filter);
  const rows = await sql<{
    facility_id: string;
    product_code: string;
    day: string;
    on_hand: number;
    min_on_hand: number;
    received: number;
    administered: number;
    used: number;
  }>(
    em,
    `select s.facility_id, s.product_code, to_char(s.day, 'YYYY-MM-DD') as day, s.on_hand, s.min_on_hand, s.received, s.administered, s.used
       from stock_day s where s.day between :start and :to${n.text}
     union all
     select * from (select distinct on (s.facility_id, s.product_code) s.facility_id, s.product_code, to_char(s.day, 'YYYY-MM-DD') as day,
                           s.on_hand, s.min_on_hand, 0, 0, 0
                      from stock_day s where s.day < :start${n.text} order by s.facility_id, s.product_code, s.day desc) carried`,
    { start, to, ...n.params },
  );
  return rows.map((r) => ({
    facilityId: r.facility_id,
    productCode: r.product_code,
    day: r.day,
    onHand: Number(r.on_hand),
    minOnHand: Number(r.min_on_hand),
    received: Number(r.received),
    administered: Number(r.administered),
    used: Number(r.used),
  }));
}
