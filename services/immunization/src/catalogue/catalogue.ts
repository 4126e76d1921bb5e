import { readCsv, semarangAreas, vaccineCatalogue } from '@victori/shared';

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
    [...vaccineCatalogue().values()].map((p) => [
      p.code,
      {
        code: p.code,
        name: p.name,
        programme: p.programme,
        antigens: p.antigens,
        doseKinds: p.doseKinds,
        minAgeMonths: p.minAgeMonths,
        ...(p.maxAgeMonths !== undefined ? { maxAgeMonths: p.maxAgeMonths } : {}),
        ...(p.kfaCode ? { kfaCode: p.kfaCode } : {}),
        ...(p.cvxCode ? { cvxCode: p.cvxCode } : {}),
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
