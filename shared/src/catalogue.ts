import { readCsv } from './data.js';

/** One vaccine product of the shared catalogue (data/vaccine-products.csv), parsed once for every service. */
export interface CatalogueProduct {
  code: string;
  name: string;
  manufacturer: string;
  antigens: string[];
  programme: string;
  presentation: string;
  dosesPerVial: number;
  minAgeMonths: number;
  maxAgeMonths?: number;
  doseKinds: string[];
  usesVvm: boolean;
  /** Hours an opened multi-dose vial may be used; absent for single-dose presentations. */
  openVialHours?: number;
  /** KFA (Kamus Farmasi dan Alat Kesehatan) product code, when known. */
  kfaCode?: string;
  cvxCode?: string;
}

const list = (v: string | undefined): string[] => (v ? v.split(';').filter(Boolean) : []);

let catalogue: Map<string, CatalogueProduct> | undefined;

/** The catalogue by product code (the data file is read once per process). */
export function vaccineCatalogue(): Map<string, CatalogueProduct> {
  catalogue ??= new Map(
    readCsv('vaccine-products.csv').map((r) => [
      r.code!,
      {
        code: r.code!,
        name: r.name!,
        manufacturer: r.manufacturer ?? '',
        antigens: list(r.antigens),
        programme: r.programme!,
        presentation: r.presentation ?? '',
        dosesPerVial: Number(r.doses_per_vial || 1),
        minAgeMonths: Number(r.min_age_months || 0),
        ...(r.max_age_months ? { maxAgeMonths: Number(r.max_age_months) } : {}),
        doseKinds: list(r.dose_kinds),
        usesVvm: r.uses_vvm === 'true',
        ...(r.open_vial_hours ? { openVialHours: Number(r.open_vial_hours) } : {}),
        ...(r.kfa_code ? { kfaCode: r.kfa_code } : {}),
        ...(r.cvx_code ? { cvxCode: r.cvx_code } : {}),
      },
    ]),
  );
  return catalogue;
}
