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
  /** KFA (Kamus Farmasi dan Alat Kesehatan) product code, when known. */
  kfaCode?: string;
  cvxCode?: string;
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
        ...(r.cvx_code ? { cvxCode: r.cvx_code } : {}),
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
