import type { Product } from '../catalogue/catalogue.js';

// Code systems and identifier systems as SATUSEHAT's documentation names them (docs/satusehat.md).
export const NIK_SYSTEM = 'https://fhir.kemkes.go.id/id/nik';
export const NIK_IBU_SYSTEM = 'https://fhir.kemkes.go.id/id/nik-ibu';
export const KFA_SYSTEM = 'http://sys-ids.kemkes.go.id/kfa';
export const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx';
export const REASON_SYSTEM = 'http://terminology.kemkes.go.id/CodeSystem/immunization-reason';
export const TIMING_SYSTEM = 'http://terminology.kemkes.go.id/CodeSystem/immunization-routine-timing';
export const ROUTE_SYSTEM = 'https://www.whocc.no/atc_ddd_index/';
export const ORIGIN_SYSTEM = 'http://terminology.hl7.org/CodeSystem/immunization-origin';
export const FUNCTION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0443';
export const UCUM = 'http://unitsofmeasure.org';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PARTICIPATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
/** Identifier systems are per organisation: http://sys-ids.kemkes.go.id/{resource}/{organization-ihs-number}. */
export const IMMUNIZATION_IDENTIFIER_PREFIX = 'http://sys-ids.kemkes.go.id/immunization/';
export const ENCOUNTER_IDENTIFIER_PREFIX = 'http://sys-ids.kemkes.go.id/encounter/';
export const immunizationIdentifierSystem = (organizationId: string) => `${IMMUNIZATION_IDENTIFIER_PREFIX}${organizationId}`;
export const encounterIdentifierSystem = (organizationId: string) => `${ENCOUNTER_IDENTIFIER_PREFIX}${organizationId}`;
/** Our identifier values start with this, so our own deliveries are recognised when reading the national record. */
export const OUR_IDENTIFIER_PREFIX = 'victori:';

export const REASON_DISPLAY: Record<string, string> = {
  'IM-Program': 'Imunisasi Program',
  'IM-Rutin': 'Imunisasi Program Rutin',
  'IM-Dasar': 'Imunisasi Program Rutin Dasar',
  'IM-Lanjutan': 'Imunisasi Program Rutin Lanjutan',
  'IM-Baduta': 'Imunisasi Program Rutin Lanjutan Bawah Dua Tahun',
  'IM-SD': 'Imunisasi Program Rutin Lanjutan Sekolah Dasar',
  'IM-WUS': 'Imunisasi Program Rutin Lanjutan Wanita Usia Subur',
  'IM-Tambahan': 'Imunisasi Program Tambahan',
  'IM-Khusus': 'Imunisasi Program Khusus',
  'IM-Pilihan': 'Imunisasi Pilihan',
};
export const TIMING_DISPLAY: Record<string, string> = { 'IM-Ideal': 'Imunisasi Ideal', 'IM-Kejar': 'Imunisasi Kejar' };
export const ROUTE_DISPLAY: Record<string, string> = {
  'inj.intramuscular': 'Injection Intramuscular',
  'inj.subcutaneous': 'Injection Subcutaneous',
  'inj.intradermal': 'Injection Intradermal',
  O: 'Oral',
};

/**
 * The schedule's reason codes in SATUSEHAT's immunization-reason system: the school programme (BIAS) is
 * routine follow-up immunization at primary school (IM-Rutin, IM-SD).
 */
export function satusehatReasons(codes: string[]): string[] {
  const mapped = codes.flatMap((c) => (c === 'IM-BIAS' ? ['IM-Rutin', 'IM-SD'] : [c]));
  return [...new Set(mapped)];
}

export type FhirResource = Record<string, unknown> & { resourceType: string; id?: string };

const coding = (system: string, code: string, display?: string) => ({ system, code, ...(display ? { display } : {}) });

/** SATUSEHAT's dateTime: UTC, whole seconds, explicit offset (YYYY-MM-DDThh:mm:ss+00:00). */
export function satusehatDateTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}+00:00`;
}

/** A dose is sent within its visit: the person, the facility and the Jakarta day. */
export function visitKeyOf(personId: string, facilityId: string, jakartaDay: string): string {
  return `${personId}|${facilityId}|${jakartaDay}`;
}

export interface ImmunizationInput {
  dedupeKey: string;
  status: 'completed' | 'entered-in-error';
  product: Product & { kfaCode: string };
  patientIhs: string;
  encounterId: string | null;
  administeredAt: Date;
  recordedAt: Date;
  /** False for a dose copied from a card, a book or another system (reportOrigin says from where). */
  primarySource: boolean;
  reportOrigin?: 'record' | 'provider' | 'recall' | null;
  organizationId: string;
  locationId: string;
  /** The IHS Practitioner who gave the dose; null for a historical record without one. */
  practitionerIhs: string | null;
  lotNumber: string;
  expirationDate?: string | null;
  doseNumber: number;
  valid: boolean;
  /** From the schedule: IM-Program, or IM-Rutin plus IM-Dasar / IM-Baduta. */
  reasonCodes: string[];
  timing?: string | null;
  remoteId?: string | null;
}

const ORIGIN_DISPLAY = { record: 'Written Record', provider: 'Other Provider', recall: 'Parent/Guardian/Patient Recall' } as const;

/** A FHIR R4 Immunization as SATUSEHAT's Immunization guide asks for it (docs/satusehat.md). */
export function buildImmunization(input: ImmunizationInput): FhirResource {
  const p = input.product;
  const reasons = satusehatReasons(input.reasonCodes);
  // Routine doses (IM-Rutin) also carry their timing, in its own code system: ideal, or catch-up (also a
  // dose the schedule gave no timing, such as one off schedule).
  const timing = input.timing === 'ON_TIME' ? 'IM-Ideal' : 'IM-Kejar';
  const reasonCodings = [
    ...reasons.map((c) => coding(REASON_SYSTEM, c, REASON_DISPLAY[c])),
    ...(reasons.includes('IM-Rutin') ? [coding(TIMING_SYSTEM, timing, TIMING_DISPLAY[timing])] : []),
  ];
  return {
    resourceType: 'Immunization',
    ...(input.remoteId ? { id: input.remoteId } : {}),
    identifier: [
      { system: immunizationIdentifierSystem(input.organizationId), use: 'official', value: `${OUR_IDENTIFIER_PREFIX}${input.dedupeKey}` },
    ],
    status: input.status,
    vaccineCode: {
      coding: [
        coding(KFA_SYSTEM, p.kfaCode, p.name),
        ...(p.kfaGroup ? [coding(KFA_SYSTEM, p.kfaGroup)] : []),
        ...(p.cvxCode ? [coding(CVX_SYSTEM, p.cvxCode)] : []),
      ],
      text: p.name,
    },
    patient: { reference: `Patient/${input.patientIhs}` },
    ...(input.encounterId ? { encounter: { reference: `Encounter/${input.encounterId}` } } : {}),
    occurrenceDateTime: satusehatDateTime(input.administeredAt),
    recorded: satusehatDateTime(input.recordedAt),
    primarySource: input.primarySource,
    ...(input.primarySource
      ? {}
      : {
          reportOrigin: { coding: [coding(ORIGIN_SYSTEM, input.reportOrigin ?? 'record', ORIGIN_DISPLAY[input.reportOrigin ?? 'record'])] },
        }),
    location: { reference: `Location/${input.locationId}` },
    lotNumber: input.lotNumber,
    ...(input.expirationDate ? { expirationDate: input.expirationDate } : {}),
    ...(p.route ? { route: { coding: [coding(ROUTE_SYSTEM, p.route, ROUTE_DISPLAY[p.route])] } } : {}),
    ...(p.doseMl ? { doseQuantity: { value: p.doseMl, unit: 'mL', system: UCUM, code: 'mL' } } : {}),
    performer: [
      ...(input.practitionerIhs
        ? [
            {
              function: { coding: [coding(FUNCTION_SYSTEM, 'AP', 'Administering Provider')] },
              actor: { reference: `Practitioner/${input.practitionerIhs}` },
            },
          ]
        : []),
      {
        function: { coding: [coding(FUNCTION_SYSTEM, 'OP', 'Ordering Provider')] },
        actor: { reference: `Organization/${input.organizationId}` },
      },
    ],
    // A dose given too early was administered but does not count.
    ...(input.valid ? {} : { isSubpotent: true }),
    reasonCode: [{ coding: reasonCodings }],
    protocolApplied: [{ doseNumberPositiveInt: input.doseNumber }],
  };
}

export interface EncounterInput {
  visitKey: string;
  status: 'arrived' | 'finished';
  patientIhs: string;
  practitionerIhs: string;
  organizationId: string;
  locationId: string;
  start: Date;
  end?: Date;
  remoteId?: string | null;
}

/**
 * The visit in which doses are given: created `arrived` before its Immunizations, updated to `finished`
 * (with its status history) when the visit is over, as SATUSEHAT's Encounter guide asks.
 */
export function buildEncounter(input: EncounterInput): FhirResource {
  const start = satusehatDateTime(input.start);
  const end = input.end ? satusehatDateTime(input.end) : undefined;
  const history =
    input.status === 'finished' && end
      ? [
          { status: 'arrived', period: { start, end: start } },
          { status: 'in-progress', period: { start, end } },
          { status: 'finished', period: { start: end, end } },
        ]
      : [{ status: 'arrived', period: { start } }];
  return {
    resourceType: 'Encounter',
    ...(input.remoteId ? { id: input.remoteId } : {}),
    // A FHIR token search is system|value: the visit's parts are joined with ':' in the value.
    identifier: [
      { system: encounterIdentifierSystem(input.organizationId), value: `${OUR_IDENTIFIER_PREFIX}${input.visitKey.replaceAll('|', ':')}` },
    ],
    status: input.status,
    class: coding(ACT_CODE_SYSTEM, 'AMB', 'ambulatory'),
    subject: { reference: `Patient/${input.patientIhs}` },
    participant: [
      {
        type: [{ coding: [coding(PARTICIPATION_SYSTEM, 'ATND', 'attender')] }],
        individual: { reference: `Practitioner/${input.practitionerIhs}` },
      },
    ],
    period: { start, ...(end && input.status === 'finished' ? { end } : {}) },
    location: [{ location: { reference: `Location/${input.locationId}` } }],
    statusHistory: history,
    serviceProvider: { reference: `Organization/${input.organizationId}` },
  };
}

export interface NewbornInput {
  motherNik: string;
  name: string;
  sex: 'MALE' | 'FEMALE';
  birthDate: string;
  /** 0 for a single birth, else the birth order (SATUSEHAT's newborn flow). */
  birthOrder: number;
  kelurahanCode: string;
}

/** A newborn known only by the mother's NIK (SATUSEHAT's "pasien bayi baru lahir" flow). */
export function buildNewbornPatient(input: NewbornInput): FhirResource {
  const [province, city, district, village] = input.kelurahanCode.split('.');
  return {
    resourceType: 'Patient',
    meta: { profile: ['https://fhir.kemkes.go.id/r4/StructureDefinition/Patient'] },
    identifier: [{ use: 'official', system: NIK_IBU_SYSTEM, value: input.motherNik }],
    active: true,
    name: [{ use: 'official', text: input.name }],
    gender: input.sex === 'MALE' ? 'male' : 'female',
    birthDate: input.birthDate,
    multipleBirthInteger: input.birthOrder,
    address: [
      {
        use: 'home',
        country: 'ID',
        extension: [
          {
            url: 'https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode',
            extension: [
              { url: 'province', valueCode: province ?? '' },
              { url: 'city', valueCode: `${province ?? ''}${city ?? ''}` },
              { url: 'district', valueCode: `${province ?? ''}${city ?? ''}${district ?? ''}` },
              { url: 'village', valueCode: `${province ?? ''}${city ?? ''}${district ?? ''}${village ?? ''}` },
            ],
          },
        ],
      },
    ],
  };
}
