import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, isUuid } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { addDays, parseDateArg, percent } from '../dates.js';
import { appointmentDays, stockDays, type AppointmentDayRow, type StockDayRow } from './facility-indicators.store.js';

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

/**
 * Per facility, product and day from `from` to `to`: appointments (booking's events) and stock
 * (inventory's ledger). Days without a ledger entry carry the previous end-of-day level forward. Public
 * facility aggregates; the caller has decided access (facility-indicators.service.ts, export.service.ts).
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
  if (args.facilityId && !isUuid(args.facilityId))
    throw badInput('facilityId', { id: 'facilityId tidak valid', en: 'facilityId is not a valid id' });
  const { config } = settings;
  const lookback = Math.max(config.daysOfStockWindow, config.stockOutWindow);
  const start = addDays(from, -lookback + 1);
  const filter = { facilityId: args.facilityId, productCode: args.productCode };
  const appointments = await appointmentDays(em, { from, to, ...filter });
  // The window's days plus, per facility and product, the last day before it (the level carried in).
  const stock = await stockDays(em, { start, to, ...filter });

  const keyOf = (f: string, p: string) => `${f}|${p}`;
  const keys = new Set<string>();
  const apptBy = new Map<string, AppointmentDayRow>();
  for (const a of appointments) {
    keys.add(keyOf(a.facilityId, a.productCode));
    apptBy.set(`${keyOf(a.facilityId, a.productCode)}|${a.day}`, a);
  }
  const stockBy = new Map<string, StockDayRow>();
  const carried = new Map<string, number>();
  for (const s of stock) {
    keys.add(keyOf(s.facilityId, s.productCode));
    if (s.day < start) carried.set(keyOf(s.facilityId, s.productCode), s.onHand);
    else stockBy.set(`${keyOf(s.facilityId, s.productCode)}|${s.day}`, s);
  }

  const rows: FacilityIndicatorData[] = [];
  for (const key of [...keys].sort()) {
    const [facilityId, productCode] = key.split('|') as [string, string];
    let onHand: number | null = carried.get(key) ?? null;
    const administeredByDay: number[] = [];
    const stockOutByDay: boolean[] = [];
    for (let day = start; day <= to; day = addDays(day, 1)) {
      const s = stockBy.get(`${key}|${day}`);
      if (s) onHand = s.onHand;
      const stockOut = s ? s.minOnHand === 0 : onHand === null ? null : onHand === 0;
      administeredByDay.push(s?.administered ?? 0);
      stockOutByDay.push(stockOut === true);
      if (day < from) continue;
      const a = apptBy.get(`${key}|${day}`);
      const recentAdministered = administeredByDay.slice(-config.daysOfStockWindow).reduce((x, y) => x + y, 0);
      const used = s?.used ?? 0;
      const administered = s?.administered ?? 0;
      rows.push({
        facilityId,
        date: day,
        productCode,
        booked: a?.booked ?? 0,
        served: a?.served ?? 0,
        noShow: a?.noShow ?? 0,
        cancelled: a?.cancelled ?? 0,
        onHand,
        // on hand / average daily doses administered over the window, 2 decimals
        daysOfStock:
          onHand === null || recentAdministered === 0 ? null : percent(onHand * config.daysOfStockWindow, recentAdministered * 100),
        stockOut,
        stockOutDays: onHand === null && stockOut === null ? null : stockOutByDay.slice(-config.stockOutWindow).filter(Boolean).length,
        received: s?.received ?? 0,
        administered,
        used,
        wastageRate: percent(used - administered, used),
      });
    }
  }
  return rows;
}
