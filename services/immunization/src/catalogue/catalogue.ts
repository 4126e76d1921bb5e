import { readCsv, semarangAreas } from '@victori/shared';

/** A vaccine product as the registry needs it (data/vaccine-products.csv). */
export interface Product {
  code: string;
  name: string;
  programme: string;
  antigens: string[];
  doseKinds: string[];
  minAgeMonths: number;
  maxAgeMonths?: number;
  /** KFA (Kamus Farmasi dan Alat Kesehatan) product code (93xxxxxx), when known. */
  kfaCode?: string;
  /** Whether kfaCode was confirmed against KFA; an unconfirmed product is never sent (docs/satusehat.md). */
  kfaConfirmed: boolean;
  /** KFA vaccine group code (VGxx, SATUSEHAT's CVX-group coding in the KFA system), when confirmed. */
  kfaGroup?: string;
  cvxCode?: string;
  /** Route code in SATUSEHAT's WHO ATC/DDD route system (inj.intramuscular, inj.subcutaneous, O, ...). */
  route?: string;
  /** Volume of one dose in mL, when known (doseQuantity). */
  doseMl?: number;
}

let products: Map<string, Product> | undefined;
export function productCatalogue(): Map<string, Product> {
  products ??= new Map(
    readCsv('vaccine-products.csv').map((r) => [
      r.code!,
      {
        code: r.code!,
        name: r.name!,
        programme: r.programme!,
        antigens: r.antigens!.split(';'),
        doseKinds: r.dose_kinds!.split(';'),
        minAgeMonths: Number(r.min_age_months || 0),
        ...(r.max_age_months ? { maxAgeMonths: Number(r.max_age_months) } : {}),
        ...(r.kfa_code ? { kfaCode: r.kfa_code } : {}),
        kfaConfirmed: r.kfa_status === 'CONFIRMED' && !!r.kfa_code,
        ...(r.kfa_group ? { kfaGroup: r.kfa_group } : {}),
        ...(r.cvx_code ? { cvxCode: r.cvx_code } : {}),
        ...(r.route ? { route: r.route } : {}),
        ...(r.dose_ml ? { doseMl: Number(r.dose_ml) } : {}),
      },
    ]),
  );
  return products;
}

/** Products that can give a dose kind. */
export function productsForDose(doseKind: string): Product[] {
  return [...productCatalogue().values()].filter((p) => p.doseKinds.includes(doseKind));
}

let kelurahan: Set<string> | undefined;
export function isSemarangKelurahan(code: string): boolean {
  kelurahan ??= new Set(
    semarangAreas()
      .filter((a) => a.level === 'kelurahan')
      .map((a) => a.code),
  );
  return kelurahan.has(code);
}

let facilities: Map<string, string> | undefined;
/** Facility id by code (data/demo-facilities.csv, the ids booking seeds). */
export function facilityIdByCode(code: string): string | undefined {
  facilities ??= new Map(readCsv('demo-facilities.csv').map((r) => [r.code!, r.id!]));
  return facilities.get(code);
}
