import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { SERVICES } from '@victori/shared';
import type { GraphQLResponse } from '@victori/shared/testing';
import { BANDARHARJO, BookingKit, inDays, MIROTO, person, type Caller } from '../../../services/booking/src/testing/kit.js';
import { SUPERGRAPH_FILE } from '../compose.js';

/**
 * The authorization matrix: every Query and Mutation root field of the supergraph, for every role, with
 * the answer that role must get, asked through the real gateway of the real platform on real seeded data.
 * A root field without a row fails the suite: a new operation is not done until someone decided who may call it.
 *
 * Expected answers:
 * - OK: data, not empty; SEEN: data, possibly empty; EMPTY: filtered to nothing (an empty list or null);
 * - ALLOWED: past the access decision (data or a typed business error such as BAD_USER_INPUT, NOT_FOUND,
 *   CONFLICT or DUPLICATE; mutations here are mostly sent with input that fails after the decision, so the
 *   matrix changes no fixture another row depends on);
 * - FORBIDDEN, UNAUTHENTICATED: refused by the policy.
 */
type Expect = 'OK' | 'SEEN' | 'EMPTY' | 'ALLOWED' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const ROLES = ['anonymous', 'partner', 'otherCitizen', 'hwOther', 'citizen', 'hwHere', 'admin'] as const;
type RoleName = (typeof ROLES)[number];
type Row = Record<RoleName, Expect>;

const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const A = 'ALLOWED';
/** Columns in the order of the issue: anonymous, citizen, another citizen, health worker here, there, admin, partner. */
const r = (
  anonymous: Expect,
  citizen: Expect,
  otherCitizen: Expect,
  hwHere: Expect,
  hwOther: Expect,
  admin: Expect,
  partner: Expect,
): Row => ({
  anonymous,
  citizen,
  otherCitizen,
  hwHere,
  hwOther,
  admin,
  partner,
});
const PUBLIC = (e: Expect = 'SEEN') => r(e, e, e, e, e, e, e);
const ADMIN = (e: Expect = A) => r(U, F, F, F, F, e, F);
/** Health workers of facility A (Miroto) and admins. */
const STAFF_A = (e: Expect = A) => r(U, F, F, e, F, e, F);
/** The person of citizen A (own record, booked and vaccinated at Miroto). */
const PERSON_A = (e: Expect = 'OK') => r(U, e, F, e, F, e, F);

interface Fixtures {
  personA: ReturnType<typeof person>;
  personIdA: string;
  childIdA: string;
  sessionId: string;
  closeSessionId: string;
  slotId: string;
  appointmentId: string;
  slipCode: string;
  movableId: string;
  movableSlotId: string;
  doseA: string;
  doseToCorrect: string;
  motherNik: string;
}

interface Case {
  query: string;
  vars?: (f: Fixtures) => Record<string, unknown>;
  expect: Row;
}

const bad = { nik: '123', fullName: 'X', birthDate: '1990-01-01', sex: 'FEMALE', residenceKelurahanCode: '33.74.01.1001' };
const someId = randomUUID();

const MATRIX: Record<string, Case | Case[]> = {
  // ---- booking: queries
  sessions: { query: `{ sessions { edges { cursor } } }`, expect: PUBLIC('OK') },
  session: { query: `query($id: ID!) { session(id: $id) { id } }`, vars: (f) => ({ id: f.sessionId }), expect: PUBLIC('OK') },
  facilities: { query: `{ facilities { edges { node { id } } } }`, expect: PUBLIC('OK') },
  facility: { query: `query($id: ID!) { facility(id: $id) { id } }`, vars: () => ({ id: MIROTO }), expect: PUBLIC('OK') },
  myAppointments: [
    { query: `{ myAppointments { edges { node { id } } } }`, expect: r(U, 'OK', 'EMPTY', F, F, F, F) },
    {
      // The holder's own lookup by what is on the slip; staff and partners never look citizens up this way.
      query: `query($n: String, $b: Date, $s: String) { myAppointments(nik: $n, birthDate: $b, slipCode: $s) { edges { node { id } } } }`,
      vars: (f) => ({ n: f.personA.nik, b: f.personA.birthDate, s: f.slipCode }),
      expect: r('OK', 'OK', 'OK', F, F, F, F),
    },
  ],
  facilityDayList: {
    query: `query($f: ID!, $d: Date!) { facilityDayList(facilityId: $f, date: $d) { id } }`,
    vars: () => ({ f: MIROTO, d: inDays(3) }),
    expect: STAFF_A('OK'),
  },
  // ---- booking: mutations
  createSession: {
    query: `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }`,
    vars: () => ({
      i: {
        facilityId: MIROTO,
        date: inDays(6),
        startTime: '08:00',
        endTime: '09:00',
        productCode: 'PFIZER',
        doseKinds: ['PRIMARY_1'],
        capacity: 0,
      },
    }),
    expect: STAFF_A(),
  },
  updateSession: {
    query: `mutation($id: ID!, $i: UpdateSessionInput!) { updateSession(id: $id, input: $i) { session { id } } }`,
    vars: (f) => ({ id: f.sessionId, i: { capacity: -5 } }),
    expect: STAFF_A(),
  },
  closeSession: {
    query: `mutation($id: ID!) { closeSession(id: $id) { id } }`,
    vars: (f) => ({ id: f.closeSessionId }),
    expect: STAFF_A(),
  },
  bookAppointment: {
    query: `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }`,
    vars: (f) => ({ i: { ...bad, phone: '081200000000', doseKind: 'PRIMARY_1', slotId: f.slotId } }),
    expect: r(A, A, A, A, A, A, F),
  },
  rescheduleAppointment: {
    query: `mutation($id: ID!, $s: ID!) { rescheduleAppointment(id: $id, slotId: $s) { id } }`,
    vars: (f) => ({ id: f.movableId, s: f.movableSlotId }),
    expect: r(U, A, F, A, F, A, F),
  },
  cancelAppointment: {
    query: `mutation($id: ID!) { cancelAppointment(id: $id) { id } }`,
    vars: (f) => ({ id: f.movableId }),
    expect: r(U, A, F, A, F, A, F),
  },
  checkIn: {
    query: `mutation($id: ID!) { checkIn(appointmentId: $id, slipCode: "ZZZZZZ") { id } }`,
    vars: (f) => ({ id: f.appointmentId }),
    expect: STAFF_A(),
  },
  recordWalkIn: {
    query: `mutation($i: WalkInInput!) { recordWalkIn(input: $i) { id } }`,
    vars: (f) => ({ i: { ...bad, sessionId: f.sessionId, doseKind: 'PRIMARY_1' } }),
    expect: STAFF_A(),
  },
  markDosesNotGiven: {
    query: `mutation($id: ID!) { markDosesNotGiven(appointmentId: $id, slipCode: "ZZZZZZ", doseKinds: ["PRIMARY_1"]) { id } }`,
    vars: (f) => ({ id: f.appointmentId }),
    expect: STAFF_A(),
  },
  markNoShows: {
    query: `mutation($id: ID!) { markNoShows(sessionId: $id) { id } }`,
    vars: (f) => ({ id: f.sessionId }),
    expect: STAFF_A(),
  },
  createFacility: {
    query: `mutation($i: CreateFacilityInput!) { createFacility(input: $i) { id } }`,
    vars: () => ({ i: { code: '', name: '', type: 'PUSKESMAS', kelurahanCode: 'x', address: '' } }),
    expect: ADMIN(),
  },
  updateFacility: {
    query: `mutation($id: ID!) { updateFacility(id: $id, input: { name: "Nama Baru" }) { id } }`,
    vars: () => ({ id: someId }),
    expect: ADMIN(),
  },
  setFacilitySatusehatIds: {
    query: `mutation($id: ID!) { setFacilitySatusehatIds(id: $id, input: { organizationId: "x", locationId: "y" }) { id } }`,
    vars: () => ({ id: someId }),
    expect: ADMIN(),
  },
  // ---- immunization: queries
  person: { query: `query($id: ID!) { person(id: $id) { id } }`, vars: (f) => ({ id: f.personIdA }), expect: PERSON_A() },
  doseRecords: {
    query: `query($id: ID!) { doseRecords(personId: $id) { edges { node { id } } } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A(),
  },
  healthCards: {
    query: `query($id: ID!) { healthCards(personId: $id) { id } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A('SEEN'),
  },
  // An unknown card answers like a card of a person one may not see; admins learn it does not exist.
  healthCard: {
    query: `query($id: ID!) { healthCard(id: $id) { id } }`,
    vars: () => ({ id: randomUUID() }),
    expect: r(U, F, F, F, F, A, F),
  },
  healthCardIssuer: { query: `{ healthCardIssuer { issuer keys { kid } } }`, expect: PUBLIC('OK') },
  deliveryStatus: {
    query: `query($id: ID!) { deliveryStatus(personId: $id) { __typename } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A(),
  },
  doseRecordsBySlip: {
    // The slip's holder, signed in or not (as myAppointments by slip); staff and partners have their own views.
    query: `query($n: String!, $b: Date!, $s: String!) { doseRecordsBySlip(nik: $n, birthDate: $b, slipCode: $s) { deliveryState } }`,
    vars: (f) => ({ n: f.personA.nik, b: f.personA.birthDate, s: f.slipCode }),
    expect: r('SEEN', 'SEEN', 'SEEN', F, F, F, F),
  },
  forecast: {
    query: `query($id: ID!) { forecast(personId: $id) { __typename } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A(),
  },
  // The children of the facility's kelurahan with doses due (the posyandu's offline day): its staff only.
  dueChildren: {
    query: `query($f: ID!) { dueChildren(facilityId: $f) { personId } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A('SEEN'),
  },
  dueAndAvailableSessions: {
    query: `query($id: ID!, $from: Date!, $to: Date!) { dueAndAvailableSessions(personId: $id, from: $from, to: $to, kelurahanCode: "33.74.01.1001") { __typename } }`,
    vars: (f) => ({ id: f.personIdA, from: inDays(1), to: inDays(10) }),
    expect: PERSON_A('SEEN'),
  },
  myPerson: { query: `{ myPerson { id } }`, expect: r(U, 'OK', 'EMPTY', F, F, F, F) },
  myDependants: { query: `{ myDependants { id } }`, expect: r(U, 'OK', 'EMPTY', F, F, F, F) },
  findPersons: {
    // Booked and vaccinated at Miroto: Miroto finds the person, Bandarharjo gets an empty list.
    query: `query($n: String) { findPersons(nik: $n) { id } }`,
    vars: (f) => ({ n: f.personA.nik }),
    expect: r(U, F, F, 'OK', 'EMPTY', 'OK', F),
  },
  nationalDeliveryHealth: { query: `{ nationalDeliveryHealth { backlog } }`, expect: ADMIN('OK') },
  nationalDeliveryBacklog: { query: `{ nationalDeliveryBacklog { __typename } }`, expect: ADMIN('SEEN') },
  // ---- immunization: mutations
  recordDose: {
    // Already given: DUPLICATE for Miroto's health worker; admins do not record doses.
    query: `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`,
    vars: (f) => ({
      i: {
        personId: f.personIdA,
        programme: 'COVID19',
        doseKind: 'PRIMARY_1',
        productCode: 'PFIZER',
        lotNumber: 'PF-1',
        administeredAt: new Date().toISOString(),
      },
    }),
    expect: r(U, F, F, A, F, F, F),
  },
  correctDose: {
    query: `mutation($i: CorrectDoseInput!) { correctDose(input: $i) { __typename } }`,
    vars: (f) => ({ i: { doseRecordId: f.doseToCorrect, reason: 'salah entri' } }),
    expect: r(U, F, F, A, F, A, F),
  },
  retryNationalDelivery: {
    // Not waiting for a fix: BAD_USER_INPUT after the decision, for the recording facility's health workers and admins.
    query: `mutation($id: ID!) { retryNationalDelivery(doseRecordId: $id) { state } }`,
    vars: (f) => ({ id: f.doseA }),
    expect: STAFF_A(),
  },
  registerPractitionerNik: {
    query: `mutation { registerPractitionerNik(accountId: "", nik: "1") { accountId } }`,
    expect: ADMIN(),
  },
  recordAdverseEvent: {
    query: `mutation($i: RecordAdverseEventInput!) { recordAdverseEvent(input: $i) { id } }`,
    vars: (f) => ({
      i: { doseRecordId: f.doseA, onsetAt: new Date().toISOString(), severity: 'NON_SERIOUS', symptoms: ['demam'], outcome: 'RECOVERED' },
    }),
    expect: PERSON_A(),
  },
  registerPerson: {
    query: `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
    vars: () => ({ i: bad }),
    expect: r(U, A, A, A, A, A, F),
  },
  registerChild: {
    query: `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
    vars: () => ({ i: { ...bad, relationship: 'MOTHER' } }),
    expect: r(U, A, A, A, A, A, F),
  },
  assignChildNik: {
    query: `mutation($i: AssignChildNikInput!) { assignChildNik(input: $i) { id } }`,
    vars: (f) => ({ i: { personId: f.childIdA, nik: '1' } }),
    expect: r(U, A, F, F, F, A, F),
  },
  addGuardian: {
    query: `mutation($i: AddGuardianInput!) { addGuardian(input: $i) { id } }`,
    vars: (f) => ({ i: { personId: f.childIdA, accountId: 'citizen-z', relationship: 'NOPE' } }),
    expect: r(U, A, F, F, F, A, F),
  },
  issuePersonClaimCode: {
    query: `mutation($id: ID!) { issuePersonClaimCode(personId: $id) { expiresAt } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: r(U, F, F, 'OK', F, 'OK', F),
  },
  declaredDoses: {
    query: `query($id: ID!) { declaredDoses(personId: $id) { id } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A('EMPTY'),
  },
  declarePastDose: {
    query: `mutation($i: DeclarePastDoseInput!) { declarePastDose(input: $i) { id } }`,
    vars: (f) => ({ i: { personId: f.personIdA, programme: 'COVID19', doseKind: 'NOPE', givenOn: '2020-01-01', place: 'x' } }),
    expect: r(U, A, F, F, F, A, F),
  },
  // No such declaration: nobody learns more than the access answer (admins may only reject, and learn it is missing).
  confirmDeclaredDose: {
    query: `mutation($i: ConfirmDeclaredDoseInput!) { confirmDeclaredDose(input: $i) { id } }`,
    vars: () => ({ i: { declaredDoseId: '00000000-0000-4000-8000-000000000000', productCode: 'PFIZER' } }),
    expect: r(U, F, F, F, F, F, F),
  },
  rejectDeclaredDose: {
    query: `mutation { rejectDeclaredDose(declaredDoseId: "00000000-0000-4000-8000-000000000000", reason: "tidak ada") { id } }`,
    expect: r(U, F, F, F, F, A, F),
  },
  // With the national record not reachable in the matrix run, who may look up gets UNAVAILABLE (ALLOWED).
  lookUpNationalImmunizations: {
    query: `mutation($id: ID!) { lookUpNationalImmunizations(personId: $id) { id } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: PERSON_A(A),
  },
  confirmMotherLink: {
    // An adult has no mother's NIK: whoever may confirm gets CONFLICT, everyone else the access answer.
    query: `mutation($id: ID!) { confirmMotherLink(personId: $id) { id } }`,
    vars: (f) => ({ id: f.personIdA }),
    expect: r(U, F, F, A, F, A, F),
  },
  // ---- inventory: queries
  stockBoard: { query: `{ stockBoard { __typename } }`, expect: PUBLIC('OK') },
  // How far the projections are behind (the dashboard's "updating" line): staff of any facility and admins.
  inventoryLag: { query: `{ inventoryLag }`, expect: r(U, F, F, 'SEEN', 'SEEN', 'SEEN', F) },
  projectionLag: { query: `{ projectionLag }`, expect: r(U, F, F, 'SEEN', 'SEEN', 'SEEN', F) },
  lots: { query: `{ lots { edges { node { id } } } }`, expect: PUBLIC() },
  expiringLots: { query: `{ expiringLots { __typename } }`, expect: PUBLIC() },
  vaccineProducts: { query: `{ vaccineProducts { code } }`, expect: PUBLIC('OK') },
  fefoSuggestion: {
    query: `query($f: ID!) { fefoSuggestion(facilityId: $f, productCode: "PFIZER", doses: 1) { __typename } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A(),
  },
  stockLedger: {
    query: `query($f: ID) { stockLedger(facilityId: $f) { edges { node { id } } } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A('SEEN'),
  },
  doseReconciliations: {
    query: `query($f: ID) { doseReconciliations(facilityId: $f) { __typename } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A('SEEN'),
  },
  // ---- inventory: mutations (Miroto is not the city store)
  receiveStock: {
    query: `mutation { receiveStock(input: { productCode: "PFIZER", lotNumber: "", expiryDate: "2020-01-01", doses: 0 }) { __typename } }`,
    expect: ADMIN(),
  },
  transferStock: {
    query: `mutation($i: TransferStockInput!) { transferStock(input: $i) { __typename } }`,
    vars: () => ({ i: { fromFacilityId: MIROTO, toFacilityId: BANDARHARJO, lotId: someId, doses: 1 } }),
    expect: STAFF_A(),
  },
  adjustStock: {
    query: `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { __typename } }`,
    vars: () => ({ i: { facilityId: MIROTO, lotId: someId, reason: 'DAMAGED', doses: 1 } }),
    expect: STAFF_A(),
  },
  recordPhysicalCount: {
    query: `mutation($i: PhysicalCountInput!) { recordPhysicalCount(input: $i) { __typename } }`,
    vars: () => ({ i: { facilityId: MIROTO, lotId: someId, countedDoses: 1 } }),
    expect: STAFF_A(),
  },
  recordVvmStage: {
    query: `mutation($f: ID!, $l: ID!) { recordVvmStage(facilityId: $f, lotId: $l, vvmStage: 2) { __typename } }`,
    vars: () => ({ f: MIROTO, l: someId }),
    expect: STAFF_A(),
  },
  recallLot: {
    query: `mutation($l: ID!) { recallLot(lotId: $l, reason: "uji") { __typename } }`,
    vars: () => ({ l: someId }),
    expect: ADMIN(),
  },
  openVial: {
    query: `mutation($f: ID!, $l: ID!) { openVial(facilityId: $f, lotId: $l) { __typename } }`,
    vars: () => ({ f: MIROTO, l: someId }),
    expect: STAFF_A(),
  },
  resolveDoseReconciliation: {
    // No such flagged dose: only admins, who may see every facility's, learn that it does not exist.
    query: `mutation($d: ID!) { resolveDoseReconciliation(doseRecordId: $d, resolution: "sudah dicek") { __typename } }`,
    vars: () => ({ d: someId }),
    expect: ADMIN(),
  },
  // ---- reporting: public aggregates, small counts suppressed except for admins
  areas: { query: `{ areas(level: KECAMATAN) { code } }`, expect: PUBLIC('OK') },
  area: { query: `{ area(code: "33.74.01.1001") { code } }`, expect: PUBLIC('OK') },
  coverage: {
    query: `{ coverage(programme: "COVID19", dose: "PRIMARY_1", level: KECAMATAN) { __typename } }`,
    expect: PUBLIC(),
  },
  childIndicators: { query: `{ childIndicators(cohort: 2026, level: KECAMATAN) { __typename } }`, expect: PUBLIC() },
  facilityIndicators: {
    query: `query($from: Date!, $to: Date!) { facilityIndicators(from: $from, to: $to) { __typename } }`,
    vars: () => ({ from: inDays(-7), to: inDays(0) }),
    expect: PUBLIC(),
  },
  exportCsv: {
    query: `{ exportCsv(table: COVERAGE, programme: "COVID19", dose: "PRIMARY_1", level: KECAMATAN) { __typename } }`,
    // Files for the partners' tools and the city office: partners and admins.
    expect: r(U, F, F, F, F, 'OK', 'OK'),
  },
  exportDhis2: {
    query: `{ exportDhis2(table: COVERAGE, programme: "COVID19", dose: "PRIMARY_1", level: KECAMATAN) { __typename } }`,
    // Files for the partners' tools and the city office: partners and admins.
    expect: r(U, F, F, F, F, 'OK', 'OK'),
  },
  importTargets: { query: `mutation { importTargets(csv: "") { __typename } }`, expect: ADMIN() },
  // ---- the admin namespace (Query.admin and Mutation.admin): each service's dead letters and consumers
  admin: (['booking', 'immunization', 'inventory', 'reporting', 'feedback'] as const).flatMap((service): Case[] => [
    { query: `{ admin { ${service} { deadLetters { totalCount edges { node { id } } } } } }`, expect: ADMIN('OK') },
    { query: `{ admin { ${service} { consumers { consumer lag } } } }`, expect: ADMIN('OK') },
    { query: `mutation { admin { ${service} { retryDeadLetter(id: "999999") { id } } } }`, expect: ADMIN() },
  ]),
  previewTargetImport: { query: `{ previewTargetImport(csv: "") { created } }`, expect: ADMIN('OK') },
  // ---- identity: sign-in is public (the credential is the proof); accounts only for admins
  me: { query: `{ me { id } }`, expect: PUBLIC() },
  devSmsOutbox: { query: `{ devSmsOutbox(phone: "081234567890") { sentAt } }`, expect: PUBLIC() },
  requestSignInCode: { query: `mutation { requestSignInCode(phone: "08123") { resendAfterSeconds } }`, expect: PUBLIC(A) },
  signInWithCode: { query: `mutation { signInWithCode(phone: "081234567890", code: "000000") { accessToken } }`, expect: PUBLIC(A) },
  staffSignIn: { query: `mutation { staffSignIn(username: "nobody", password: "wrong") { accessToken } }`, expect: PUBLIC(A) },
  // A refresh token that was never issued is a failed credential for everyone, whatever token came with it.
  refreshSession: { query: `mutation { refreshSession(refreshToken: "not-a-token") { accessToken } }`, expect: PUBLIC(U) },
  signOut: { query: `mutation { signOut(refreshToken: "not-a-token") }`, expect: PUBLIC(A) },
  staffAccounts: { query: `{ staffAccounts { edges { node { id } } } }`, expect: ADMIN('OK') },
  // The desk's vaccinators: names of the facility's health workers, for its staff only.
  facilityVaccinators: {
    query: `query($f: ID!) { facilityVaccinators(facilityId: $f) { id displayName } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A('SEEN'),
  },
  updateStaffAccount: {
    query: `mutation($id: ID!) { updateStaffAccount(id: $id, input: { displayName: "x" }) { id } }`,
    vars: () => ({ id: someId }),
    expect: ADMIN(),
  },
  createStaffAccount: {
    // An invalid input: only an admin gets past the access decision to the field errors.
    query: `mutation { createStaffAccount(input: { username: "", password: "x", role: CITIZEN }) { id } }`,
    expect: ADMIN(),
  },
  enrolTotp: { query: `mutation { enrolTotp { __typename } }`, expect: r(U, F, F, F, F, F, F) },
  verifyTotp: { query: `mutation { verifyTotp(code: "000000") { id } }`, expect: r(U, F, F, F, F, F, F) },
  // ---- feedback (npm run new:subgraph feedback)
  complaintCategories: { query: `{ complaintCategories { code } }`, expect: PUBLIC('OK') },
  complaint: { query: `query($id: ID!) { complaint(id: $id) { id } }`, vars: () => ({ id: someId }), expect: r(U, F, F, F, F, A, F) },
  myComplaints: { query: `{ myComplaints { edges { node { id } } } }`, expect: r(U, 'SEEN', 'SEEN', F, F, F, F) },
  complaintQueue: {
    query: `query($f: ID) { complaintQueue(facilityId: $f) { edges { node { id } } } }`,
    vars: () => ({ f: MIROTO }),
    expect: STAFF_A('SEEN'),
  },
  complaintCounts: {
    query: `{ complaintCounts(from: "2026-01-01", to: "2026-12-31") { count } }`,
    expect: r(U, F, F, F, F, 'SEEN', 'SEEN'),
  },
  submitComplaint: {
    // Too short a description: whoever may complain about Miroto gets past the decision to the field error.
    query: `mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { id } }`,
    vars: () => ({ i: { subjectType: 'FACILITY', facilityId: MIROTO, category: 'WAITING_TIME', description: 'x', channel: 'PHONE' } }),
    expect: r(U, A, A, A, F, A, F),
  },
  assignComplaint: {
    query: `mutation($id: ID!) { assignComplaint(id: $id) { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, A, F),
  },
  startComplaint: {
    query: `mutation($id: ID!) { startComplaint(id: $id) { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, A, F),
  },
  replyToComplaint: {
    query: `mutation($id: ID!) { replyToComplaint(id: $id, message: "Sedang kami periksa") { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, A, F),
  },
  resolveComplaint: {
    query: `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Sudah diperbaiki") { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, A, F),
  },
  rejectComplaint: {
    query: `mutation($id: ID!) { rejectComplaint(id: $id, reason: "Bukan kewenangan kami") { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, A, F),
  },
  // Only the complaint's own citizen reopens or rates it: a complaint that is nobody's is refused to all.
  reopenComplaint: {
    query: `mutation($id: ID!) { reopenComplaint(id: $id, reason: "Belum selesai") { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, F, F),
  },
  rateComplaint: {
    query: `mutation($id: ID!) { rateComplaint(id: $id, rating: 5) { id } }`,
    vars: () => ({ id: someId }),
    expect: r(U, F, F, F, F, F, F),
  },
  faq: { query: `{ faq { slug } }`, expect: PUBLIC('SEEN') },
  faqEntry: { query: `{ faqEntry(slug: "booking-how") { slug } }`, expect: PUBLIC(A) },
  saveFaqEntry: {
    query: `mutation { saveFaqEntry(input: { slug: "X", questionId: "", questionEn: "", answerId: "", answerEn: "", published: false }) { slug } }`,
    expect: ADMIN(),
  },
  surveyElements: { query: `{ surveyElements { code } }`, expect: PUBLIC('OK') },
  citySatisfaction: { query: `{ citySatisfaction { city { suppressed } } }`, expect: PUBLIC('OK') },
  surveyLink: {
    // An unknown link: the visitor's side (anyone holding it) gets NOT_FOUND; staff and partners never answer.
    query: `query($t: String!) { surveyLink(token: $t) { visitDate } }`,
    vars: () => ({ t: 'x'.repeat(43) }),
    expect: r(A, A, A, F, F, F, F),
  },
  answerSurvey: {
    // An unknown token: the visitor's side gets NOT_FOUND, staff and partners never answer.
    query: `mutation($i: AnswerSurveyInput!) { answerSurvey(input: $i) { invitationId } }`,
    vars: () => ({
      i: {
        token: 'x'.repeat(43),
        requirements: 4,
        procedure: 4,
        completionTime: 4,
        cost: 4,
        serviceProduct: 4,
        staffCompetence: 4,
        staffConduct: 4,
        complaintHandling: 4,
        facilities: 4,
      },
    }),
    expect: r(A, A, A, F, F, F, F),
  },
};

/** Every Query and Mutation root field of the committed supergraph. */
function rootFields(): string[] {
  const doc = parse(readFileSync(SUPERGRAPH_FILE, 'utf8'));
  const names: string[] = [];
  for (const def of doc.definitions) {
    if (
      (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      (def.name.value === 'Query' || def.name.value === 'Mutation')
    ) {
      for (const field of def.fields ?? []) names.push(field.name.value);
    }
  }
  return names.sort();
}

function outcome(res: GraphQLResponse<Record<string, unknown>>): string {
  const error = res.errors?.[0];
  if (error) return String(error.extensions?.code ?? 'UNTYPED');
  const value = Object.values(res.data ?? {})[0];
  // A connection with no edges is empty like an empty list.
  const edges = value && typeof value === 'object' && 'edges' in value ? (value as { edges: unknown[] }).edges : undefined;
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0) || edges?.length === 0) return 'EMPTY';
  return 'OK';
}

function meets(expected: Expect, got: string): boolean {
  switch (expected) {
    case 'OK':
    case 'EMPTY':
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return got === expected;
    case 'SEEN':
      return got === 'OK' || got === 'EMPTY';
    case 'ALLOWED':
      return !['FORBIDDEN', 'UNAUTHENTICATED', 'INTERNAL_SERVER_ERROR', 'UNTYPED'].includes(got);
  }
}

describe('the authorization matrix, generated from the supergraph', () => {
  test('every Query and Mutation root field has a row', () => {
    const fields = rootFields();
    expect(fields.length).toBeGreaterThan(50);
    expect(fields.filter((f) => !(f in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !fields.includes(f))).toEqual([]);
    // A root field of both Query and Mutation (the admin namespace) has a row for each.
    expect(fields.filter((f) => f === 'admin')).toHaveLength(2);
  });

  describe('through the gateway, on seeded data', () => {
    let kit: BookingKit;
    let f: Fixtures;
    const callers: Record<RoleName, Caller> = {
      anonymous: {},
      citizen: { role: 'citizen', sub: 'citizen-a' },
      otherCitizen: { role: 'citizen', sub: 'citizen-b' },
      hwHere: { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO },
      hwOther: { role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO },
      admin: { role: 'admin', sub: 'admin-1' },
      partner: { role: 'partner', sub: 'partner-1' },
    };
    const settle = async (): Promise<void> => {
      for (let round = 0; round < 3; round++) {
        for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
        for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
      }
    };
    const must = async <T>(caller: Caller, query: string, variables: Record<string, unknown>): Promise<T> => {
      const res = await kit.gql<T>(query, variables, caller);
      if (res.errors) throw new Error(`fixture failed: ${JSON.stringify(res.errors)}`);
      return res.data!;
    };

    beforeAll(async () => {
      kit = await BookingKit.start('authz-matrix');
      await kit.usableStock(MIROTO, 'PFIZER', 1000);
      const citizen = callers.citizen;
      const hw = callers.hwHere;
      const personA = person();
      const REGISTER = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`;
      const { nik, fullName, birthDate, sex, residenceKelurahanCode } = personA;
      const own = await must<{ registerPerson: { id: string } }>(citizen, REGISTER, {
        i: { nik, fullName, birthDate, sex, residenceKelurahanCode },
      });
      const session = await kit.createSession({ facilityId: MIROTO, date: inDays(3), capacity: 10 });
      const closing = await kit.createSession({ facilityId: MIROTO, date: inDays(4), capacity: 2 });
      const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id slipCode } }`;
      const booked = await must<{ bookAppointment: { id: string; slipCode: string } }>(citizen, BOOK, {
        i: { ...personA, doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id },
      });
      const movable = await must<{ bookAppointment: { id: string } }>(citizen, BOOK, {
        i: { ...person(), doseKind: 'PRIMARY_1', slotId: session.slots[1]!.id },
      });
      await settle();
      const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`;
      const dose = (personId: string) => ({
        i: {
          personId,
          programme: 'COVID19',
          doseKind: 'PRIMARY_1',
          productCode: 'PFIZER',
          lotNumber: 'PF-1',
          administeredAt: new Date().toISOString(),
        },
      });
      const doseA = await must<{ recordDose: { id: string } }>(hw, RECORD, dose(own.registerPerson.id));
      const walkIn = person({ birthDate: '1970-03-03', sex: 'MALE' });
      const walkInPerson = await must<{ registerPerson: { id: string } }>(hw, REGISTER, {
        i: {
          nik: walkIn.nik,
          fullName: walkIn.fullName,
          birthDate: walkIn.birthDate,
          sex: walkIn.sex,
          residenceKelurahanCode: walkIn.residenceKelurahanCode,
        },
      });
      const toCorrect = await must<{ recordDose: { id: string } }>(hw, RECORD, dose(walkInPerson.registerPerson.id));
      const motherNik = person({ birthDate: '1995-04-12', sex: 'FEMALE' }).nik;
      const child = await must<{ registerChild: { id: string } }>(
        citizen,
        `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
        {
          i: {
            fullName: 'Anak Matriks',
            birthDate: inDays(-60),
            sex: 'MALE',
            residenceKelurahanCode: '33.74.01.1001',
            relationship: 'MOTHER',
            motherNik,
          },
        },
      );
      await settle();
      f = {
        personA,
        personIdA: own.registerPerson.id,
        childIdA: child.registerChild.id,
        sessionId: session.id,
        closeSessionId: closing.id,
        slotId: session.slots[2]!.id,
        appointmentId: booked.bookAppointment.id,
        slipCode: booked.bookAppointment.slipCode,
        movableId: movable.bookAppointment.id,
        movableSlotId: session.slots[1]!.id,
        doseA: doseA.recordDose.id,
        doseToCorrect: toCorrect.recordDose.id,
        motherNik,
      };
    });
    afterAll(async () => {
      await kit?.close();
    });

    const rows = Object.entries(MATRIX).flatMap(([field, c]) => (Array.isArray(c) ? c : [c]).map((one, i) => ({ field, i, c: one })));
    test.each(rows)('$field (#$i)', async ({ c }) => {
      const wrong: Record<string, { expected: Expect; got: string }> = {};
      // Refused roles first: a mutation an allowed role carries out must not change what the others are told.
      for (const role of ROLES) {
        const got = outcome(await kit.gql<Record<string, unknown>>(c.query, c.vars?.(f) ?? {}, callers[role]));
        if (!meets(c.expect[role], got)) wrong[role] = { expected: c.expect[role], got };
      }
      expect(wrong).toEqual({});
    });
  });
});
