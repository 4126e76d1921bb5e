import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@victori/shared';
import type { Dhis2Mapping, ReportingSettings } from '../../config.js';
import type { LevelName } from '../area/area.tree.js';
import { childIndicatorTable } from '../child/child.table.js';
import { coverageTable } from '../coverage/coverage.table.js';
import { facilityIndicatorTable } from '../operations/facility-indicators.table.js';

export type ReportTableName = 'COVERAGE' | 'CHILD_INDICATORS' | 'FACILITY_INDICATORS';

export interface ExportArgs {
  table: ReportTableName;
  programme?: string | null;
  dose?: string | null;
  level?: LevelName | null;
  parentCode?: string | null;
  asOf?: string | null;
  cohort?: number | null;
  from?: string | null;
  to?: string | null;
  facilityId?: string | null;
  productCode?: string | null;
}

type Cell = string | number | boolean | null;

/** A table as flat records: CSV columns in order, and which columns become DHIS2 data values. */
export interface FlatTable {
  columns: string[];
  records: Record<string, Cell>[];
  /** column -> data element key in the mapping file */
  values: Record<string, string>;
  period: (r: Record<string, Cell>) => string;
  orgUnit: (r: Record<string, Cell>) => string;
  categoryOptionCombo: (r: Record<string, Cell>, m: Dhis2Mapping) => string;
}

function need<T>(field: string, value: T | null | undefined): T {
  if (value === null || value === undefined || value === '') {
    throw badInput(field, { id: `${field} wajib diisi untuk tabel ini`, en: `${field} is required for this table` });
  }
  return value;
}

const compactDay = (d: Cell) => String(d).replaceAll('-', '');

/**
 * The same rows the table's query returns in this view (`restriction`: the policy's answer), flattened.
 * The caller has decided access (export.service.ts).
 */
export async function flatTable(
  em: EntityManager,
  settings: ReportingSettings,
  args: ExportArgs,
  restriction: { threshold: number } | null,
): Promise<FlatTable> {
  switch (args.table) {
    case 'COVERAGE': {
      const rows = await coverageTable(
        em,
        settings,
        {
          programme: need('programme', args.programme),
          dose: need('dose', args.dose),
          level: need('level', args.level),
          parentCode: args.parentCode,
          asOf: args.asOf,
        },
        restriction,
      );
      return {
        columns: [
          'area_code',
          'area_name',
          'level',
          'is_total',
          'programme',
          'dose',
          'as_of',
          'target',
          'achieved',
          'percentage',
          'suppressed',
        ],
        records: rows.map((r) => ({
          area_code: r.area.code,
          area_name: r.area.name,
          level: r.level,
          is_total: r.isTotal,
          programme: r.programme,
          dose: r.dose,
          as_of: r.asOf,
          target: r.target,
          achieved: r.achieved,
          percentage: r.percentage,
          suppressed: r.suppressed,
        })),
        values: { target: 'coverage.target', achieved: 'coverage.achieved', percentage: 'coverage.percentage' },
        period: (r) => compactDay(r.as_of!),
        orgUnit: (r) => String(r.area_code),
        categoryOptionCombo: (r, m) =>
          m.categoryOptionCombos[`${String(r.programme)}:${String(r.dose)}`] ?? m.categoryOptionCombos.default ?? 'default',
      };
    }
    case 'CHILD_INDICATORS': {
      const rows = await childIndicatorTable(
        em,
        settings,
        { cohort: need('cohort', args.cohort), level: need('level', args.level), parentCode: args.parentCode },
        restriction,
      );
      return {
        columns: [
          'area_code',
          'area_name',
          'level',
          'is_total',
          'cohort',
          'children',
          'idl',
          'idl_rate',
          'ibl',
          'ibl_rate',
          'dpt1',
          'mr1',
          'dropout_rate',
          'uci',
          'uci_threshold',
          'suppressed',
        ],
        records: rows.map((r) => ({
          area_code: r.area.code,
          area_name: r.area.name,
          level: r.level,
          is_total: r.isTotal,
          cohort: r.cohort,
          children: r.children,
          idl: r.idl,
          idl_rate: r.idlRate,
          ibl: r.ibl,
          ibl_rate: r.iblRate,
          dpt1: r.dpt1,
          mr1: r.mr1,
          dropout_rate: r.dropoutRate,
          uci: r.uci,
          uci_threshold: r.uciThreshold,
          suppressed: r.suppressed,
        })),
        values: {
          children: 'child.children',
          idl: 'child.idl',
          idl_rate: 'child.idlRate',
          ibl: 'child.ibl',
          ibl_rate: 'child.iblRate',
          dpt1: 'child.dpt1',
          mr1: 'child.mr1',
          dropout_rate: 'child.dropoutRate',
        },
        period: (r) => String(r.cohort),
        orgUnit: (r) => String(r.area_code),
        categoryOptionCombo: (_r, m) => m.categoryOptionCombos.default ?? 'default',
      };
    }
    case 'FACILITY_INDICATORS': {
      const rows = await facilityIndicatorTable(em, settings, {
        from: need('from', args.from),
        to: need('to', args.to),
        facilityId: args.facilityId,
        productCode: args.productCode,
      });
      return {
        columns: [
          'facility_id',
          'date',
          'product_code',
          'booked',
          'served',
          'no_show',
          'cancelled',
          'on_hand',
          'days_of_stock',
          'stock_out',
          'stock_out_days',
          'received',
          'administered',
          'used',
          'wastage_rate',
        ],
        records: rows.map((r) => ({
          facility_id: r.facilityId,
          date: r.date,
          product_code: r.productCode,
          booked: r.booked,
          served: r.served,
          no_show: r.noShow,
          cancelled: r.cancelled,
          on_hand: r.onHand,
          days_of_stock: r.daysOfStock,
          stock_out: r.stockOut,
          stock_out_days: r.stockOutDays,
          received: r.received,
          administered: r.administered,
          used: r.used,
          wastage_rate: r.wastageRate,
        })),
        values: {
          booked: 'facility.booked',
          served: 'facility.served',
          no_show: 'facility.noShow',
          on_hand: 'facility.onHand',
          days_of_stock: 'facility.daysOfStock',
          stock_out_days: 'facility.stockOutDays',
          wastage_rate: 'facility.wastageRate',
        },
        period: (r) => compactDay(r.date!),
        orgUnit: (r) => String(r.facility_id),
        categoryOptionCombo: (r, m) =>
          m.categoryOptionCombos[`product:${String(r.product_code)}`] ?? m.categoryOptionCombos.default ?? 'default',
      };
    }
  }
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(t: FlatTable): string {
  return [t.columns.join(','), ...t.records.map((r) => t.columns.map((c) => csvCell(r[c] ?? null)).join(','))].join('\r\n') + '\r\n';
}

export interface Dhis2DataValue {
  dataElement: string;
  period: string;
  orgUnit: string;
  categoryOptionCombo: string;
  value: string;
}

/** DHIS2 dataValueSets: one data value per published number; hidden (suppressed) and empty cells are left out. */
export function toDhis2(t: FlatTable, mapping: Dhis2Mapping): { dataValues: Dhis2DataValue[] } {
  const dataValues: Dhis2DataValue[] = [];
  for (const r of t.records) {
    for (const [column, key] of Object.entries(t.values)) {
      const v = r[column];
      if (v === null || v === undefined) continue;
      const orgUnit = t.orgUnit(r);
      dataValues.push({
        dataElement: mapping.dataElements[key] ?? key,
        period: t.period(r),
        orgUnit: mapping.orgUnits[orgUnit] ?? orgUnit,
        categoryOptionCombo: t.categoryOptionCombo(r, mapping),
        value: String(v),
      });
    }
  }
  return { dataValues };
}
