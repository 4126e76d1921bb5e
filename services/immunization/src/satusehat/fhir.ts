import type { Product } from '../catalogue/catalogue.js';

export const NIK_SYSTEM = 'https://fhir.kemkes.go.id/id/nik';
export const NIK_IBU_SYSTEM = 'https://fhir.kemkes.go.id/id/nik-ibu';
export const KFA_SYSTEM = 'http://sys-ids.kemkes.go.id/kfa';
export const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx';
export const REASON_SYSTEM = 'http://terminology.kemkes.go.id/CodeSystem/immunization-reason';
/** Our identifier of a dose in the national record: the dedupe key (person + programme + dose). */
export const DOSE_IDENTIFIER_SYSTEM = 'https://victori.semarangkota.go.id/fhir/sid/immunization';

const REASON_DISPLAY: Record<string, string> = {
  'IM-Program': 'Imunisasi Program',
  'IM-Rutin': 'Imunisasi Rutin',
  'IM-Dasar': 'Imunisasi Dasar',
  'IM-Baduta': 'Imunisasi Baduta',
  'IM-Ideal': 'Imunisasi Ideal',
  'IM-Kejar': 'Imunisasi Kejar',
};

export interface ImmunizationInput {
  dedupeKey: string;
  status: 'completed' | 'entered-in-error';
  product: Product;
  patient: { ihsNumber: string; nik?: string | null; motherNik?: string | null };
  administeredAt: Date;
  recordedAt: Date;
  primarySource: boolean;
  facilityId: string;
  performerId: string;
  organizationId: string;
  lotNumber: string;
  expirationDate?: string | null;
  doseNumber: number;
  valid: boolean;
  /** From the schedule: IM-Program, or IM-Rutin plus IM-Dasar / IM-Baduta. */
  reasonCodes: string[];
  timing?: string | null;
  remoteId?: string | null;
}

export type FhirResource = Record<string, unknown> & { resourceType: string; id?: string };

const coding = (system: string, code: string, display?: string) => ({ system, code, ...(display ? { display } : {}) });

/**
 * A FHIR R4 Immunization shaped for SATUSEHAT: KFA and CVX vaccine codes, the patient by IHS number, UTC
 * occurrence, lot and expiry, dose number, and reason codes from terminology.kemkes.go.id.
 */
export function buildImmunization(input: ImmunizationInput): FhirResource {
  const reasons = [...input.reasonCodes];
  if (input.timing === 'ON_TIME') reasons.push('IM-Ideal');
  if (input.timing === 'CATCH_UP') reasons.push('IM-Kejar');
  const patientIdentifier = input.patient.nik
    ? { system: NIK_SYSTEM, value: input.patient.nik }
    : input.patient.motherNik
      ? { system: NIK_IBU_SYSTEM, value: input.patient.motherNik }
      : undefined;
  return {
    resourceType: 'Immunization',
    ...(input.remoteId ? { id: input.remoteId } : {}),
    identifier: [{ system: DOSE_IDENTIFIER_SYSTEM, value: input.dedupeKey }],
    status: input.status,
    vaccineCode: {
      coding: [
        ...(input.product.kfaCode ? [coding(KFA_SYSTEM, input.product.kfaCode, input.product.name)] : []),
        ...(input.product.cvxCode ? [coding(CVX_SYSTEM, input.product.cvxCode, input.product.name)] : []),
      ],
      text: input.product.name,
    },
    patient: { reference: `Patient/${input.patient.ihsNumber}`, ...(patientIdentifier ? { identifier: patientIdentifier } : {}) },
    occurrenceDateTime: input.administeredAt.toISOString(),
    recorded: input.recordedAt.toISOString(),
    primarySource: input.primarySource,
    location: { reference: `Location/${input.facilityId}` },
    lotNumber: input.lotNumber,
    ...(input.expirationDate ? { expirationDate: input.expirationDate } : {}),
    // A dose given too early was administered but does not count.
    ...(input.valid ? {} : { isSubpotent: true }),
    performer: [
      {
        function: { coding: [coding('http://terminology.hl7.org/CodeSystem/v2-0443', 'AP', 'Administering Provider')] },
        actor: { reference: `Practitioner/${input.performerId}` },
      },
      {
        function: { coding: [coding('http://terminology.hl7.org/CodeSystem/v2-0443', 'OP', 'Ordering Provider')] },
        actor: { reference: `Organization/${input.organizationId}` },
      },
    ],
    reasonCode: reasons.map((code) => ({ coding: [coding(REASON_SYSTEM, code, REASON_DISPLAY[code])] })),
    protocolApplied: [{ doseNumberPositiveInt: input.doseNumber }],
  };
}
