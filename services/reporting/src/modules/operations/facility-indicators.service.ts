import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { addDays, parseDateArg, percent } from '../dates.js';

export interface FacilityIndicatorArgs {
  from: string;
  to: string;
  facilityId?: string | null;
  productCode?: string | null;
}

export interface FacilityIndicatorData {
  facilityId: string;
  date: string;
  productCode: string;
  booked: number;
  served: number;
  noShow: number;
  cancelled: number;
  onHand: number | null;
  daysOfStock: number | null;
  stockOut: boolean | null;
  stockOutDays: number | null;
  received: number;
  administered: number;
  used: number;
  wastageRate: number | null;
}

const MAX_DAYS = 366;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface StockDayRow {
  facility_id: string;
  product_code: string;
  day: string;
  on_hand: number;
  min_on_hand: number;
  received: number;
  administered: number;
  used: number;
}

/**
 * Per facility, product and day from `from` to `to`: appointments (booking's events) and stock
 * (inventory's ledger). Days without a ledger entry carry the previous end-of-day level forward.
 */
export async function facilityIndicatorTable(
  em: EntityManager,
  settings: ReportingSettings,
  args: FacilityIndicatorArgs,
): Promise<FacilityIndicatorData[]> {
  const from = parseDateArg('from', args.from);
  const to = parseDateArg('to', args.to);
  if (to < from) throw badInput('to', { id: 'Tanggal akhir sebelum tanggal awal', en: 'to is before from' });
  if (addDays(from, MAX_DAYS) <= to) throw badInput('to', { id: `Paling lama ${MAX_DAYS} hari`, en: `At most ${MAX_DAYS} days` });
  if (args.facilityId && !UUID.test(args.facilityId))
    throw badInput('facilityId', { id: 'facilityId tidak valid', en: 'facilityId is not a valid id' });
  const { config } = settings;
  const lookback = Math.max(config.daysOfStockWindow, config.stockOutWindow);
  const start = addDays(from, -lookback + 1);
  const filter = (alias: string) =>
    `${args.facilityId ? `and ${alias}.facility_id = ?` : ''} ${args.productCode ? `and ${alias}.product_code = ?` : ''}`;
  const filterParams = [...(args.facilityId ? [args.facilityId] : []), ...(args.productCode ? [args.productCode] : [])];

  const appointments = await em.execute<Record<string, string>[]>(
    `select a.facility_id, a.product_code, to_char(a.session_date, 'YYYY-MM-DD') as day,
            count(*) filter (where a.status <> 'CANCELLED') as booked, count(*) filter (where a.status = 'COMPLETED') as served,
            count(*) filter (where a.status = 'NO_SHOW') as no_show, count(*) filter (where a.status = 'CANCELLED') as cancelled
       from appointment_fact a where a.session_date between ? and ? ${filter('a')}
      group by 1, 2, 3`,
    [from, to, ...filterParams],
  );
  // The window's days plus, per facility and product, the last day before it (the level carried in).
  const stock = await em.execute<StockDayRow[]>(
    `select s.facility_id, s.product_code, to_char(s.day, 'YYYY-MM-DD') as day, s.on_hand, s.min_on_hand, s.received, s.administered, s.used
       from stock_day s where s.day between ? and ? ${filter('s')}
     union all
     select * from (select distinct on (s.facility_id, s.product_code) s.facility_id, s.product_code, to_char(s.day, 'YYYY-MM-DD') as day,
                           s.on_hand, s.min_on_hand, 0, 0, 0
                      from stock_day s where s.day < ? ${filter('s')} order by s.facility_id, s.product_code, s.day desc) carried`,
    [start, to, ...filterParams, start, ...filterParams],
  );

  const keyOf = (f: string, p: string) => `${f}|${p}`;
  const keys = new Set<string>();
  const apptBy = new Map<string, Record<string, string>>();
  for (const a of appointments) {
    keys.add(keyOf(a.facility_id!, a.product_code!));
    apptBy.set(`${keyOf(a.facility_id!, a.product_code!)}|${a.day}`, a);
  }
  const stockBy = new Map<string, StockDayRow>();
  const carried = new Map<string, number>();
  for (const s of stock) {
    keys.add(keyOf(s.facility_id, s.product_code));
    if (s.day < start) carried.set(keyOf(s.facility_id, s.product_code), Number(s.on_hand));
    else stockBy.set(`${keyOf(s.facility_id, s.product_code)}|${s.day}`, s);
  }

  const rows: FacilityIndicatorData[] = [];
  for (const key of [...keys].sort()) {
    const [facilityId, productCode] = key.split('|') as [string, string];
    let onHand: number | null = carried.get(key) ?? null;
    const administeredByDay: number[] = [];
    const stockOutByDay: boolean[] = [];
    for (let day = start; day <= to; day = addDays(day, 1)) {
      const s = stockBy.get(`${key}|${day}`);
      if (s) onHand = Number(s.on_hand);
      const stockOut = s ? Number(s.min_on_hand) === 0 : onHand === null ? null : onHand === 0;
      administeredByDay.push(Number(s?.administered ?? 0));
      stockOutByDay.push(stockOut === true);
      if (day < from) continue;
      const a = apptBy.get(`${key}|${day}`);
      const recentAdministered = administeredByDay.slice(-config.daysOfStockWindow).reduce((x, y) => x + y, 0);
      const used = Number(s?.used ?? 0);
      const administered = Number(s?.administered ?? 0);
      rows.push({
        facilityId,
        date: day,
        productCode,
        booked: Number(a?.booked ?? 0),
        served: Number(a?.served ?? 0),
        noShow: Number(a?.no_show ?? 0),
        cancelled: Number(a?.cancelled ?? 0),
        onHand,
        // on hand / average daily doses administered over the window, 2 decimals
        daysOfStock:
          onHand === null || recentAdministered === 0 ? null : percent(onHand * config.daysOfStockWindow, recentAdministered * 100),
        stockOut,
        stockOutDays: onHand === null && stockOut === null ? null : stockOutByDay.slice(-config.stockOutWindow).filter(Boolean).length,
        received: Number(s?.received ?? 0),
        administered,
        used,
        wastageRate: percent(used - administered, used),
      });
    }
  }
  return rows;
}
