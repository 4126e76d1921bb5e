import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';
import { addDays, jakartaDate } from './modules/schedule/schedule.dates.js';

/** The child registry is trustworthy: one child is one record, and a mother's NIK alone proves nothing. */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const KELURAHAN = '33.74.01.1001';
const born = addDays(jakartaDate(new Date()), -40);

let platform: TestPlatform;
const tokens: Record<string, string> = {};
type Res<T> = { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
const call = <T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}, key?: string) =>
  gql<T>(platform.gatewayUrl, query, variables, { token: tokens[who]!, headers: key ? { 'idempotency-key': key } : undefined });
const ext = (res: Res<unknown>) => res.errors?.[0]?.extensions ?? {};

const CHILD = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id fullName motherLink } }`;
type Child = { registerChild: { id: string; fullName: string; motherLink: string | null } };

let serial = 100;
const mother = () => makeNik('337401', '1994-03-09', 'FEMALE', serial++);
const child = (motherNik: string, overrides: Record<string, unknown> = {}) => ({
  fullName: 'Bima Saputra',
  birthDate: born,
  sex: 'MALE',
  motherNik,
  residenceKelurahanCode: KELURAHAN,
  relationship: 'MOTHER',
  ...overrides,
});

beforeAll(async () => {
  platform = await startTestPlatform('child-registry', { background: false });
  for (const sub of ['ibu', 'ayah', 'tetangga', 'ibu-terdaftar']) tokens[sub] = await platform.token({ role: 'citizen', sub });
  tokens.bidan = await platform.token({ role: 'health-worker', sub: 'bidan-miroto', facilityId: MIROTO });
  tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
});
afterAll(async () => {
  await platform?.close();
});

describe('a registration with mistakes', () => {
  test('every field’s mistake comes back at once, in both languages, and nothing is registered', async () => {
    const before = await call<{ myDependants: { id: string }[] }>('tetangga', `{ myDependants { id } }`);
    const res = await call<Child>('tetangga', CHILD, {
      // Left empty (null), sex is named with every other mistake; a future birth date is the service's own check.
      i: { fullName: 'B', birthDate: '2999-02-01', sex: null, motherNik: '123', residenceKelurahanCode: '00.00', relationship: 'AUNT' },
    });
    expect(ext(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sex' });
    const fields = ext(res).fields as { field: string; message: string; messageEn: string }[];
    expect(fields.map((f) => f.field)).toEqual(['sex', 'birthDate', 'fullName', 'residenceKelurahanCode', 'relationship', 'motherNik']);
    for (const f of fields) expect(f.messageEn).toEqual(expect.any(String));
    expect(JSON.stringify(res.errors)).not.toContain('"123"');
    const after = await call<{ myDependants: { id: string }[] }>('tetangga', `{ myDependants { id } }`);
    expect(after.data!.myDependants).toEqual(before.data!.myDependants);
  });
});

describe('registering the same child again', () => {
  test('the same guardian registering the same child again gets the same child back, not a second one', async () => {
    const nik = mother();
    const first = await call<Child>('ibu', CHILD, { i: child(nik) });
    expect(first.errors).toBeUndefined();
    const again = await call<Child>('ibu', CHILD, { i: child(nik, { fullName: '  bima   SAPUTRA ' }) });
    expect(again.errors).toBeUndefined();
    expect(again.data!.registerChild.id).toBe(first.data!.registerChild.id);
    const mine = await call<{ myDependants: { id: string }[] }>('ibu', `{ myDependants { id } }`);
    expect(mine.data!.myDependants.filter((d) => d.id === first.data!.registerChild.id)).toHaveLength(1);
  });

  test('the name is compared without case, accents, punctuation or extra spaces', async () => {
    const nik = mother();
    const first = await call<Child>('ibu', CHILD, { i: child(nik, { fullName: "Siti Nur'aini" }) });
    const again = await call<Child>('ibu', CHILD, { i: child(nik, { fullName: 'siti  nuraíni' }) });
    expect(again.data!.registerChild.id).toBe(first.data!.registerChild.id);
  });

  test('another account registering the same child gets DUPLICATE with its id and nothing else about the child', async () => {
    const nik = mother();
    const first = await call<Child>('ibu', CHILD, { i: child(nik) });
    const other = await call<Child>('tetangga', CHILD, { i: child(nik) });
    expect(ext(other)).toMatchObject({ code: 'DUPLICATE', field: 'motherNik', existingPersonId: first.data!.registerChild.id });
    expect(other.errors![0]!.message).not.toContain('Bima');
    expect(JSON.stringify(other)).not.toContain(nik);
    expect(other.errors![0]!.extensions!.messageEn).toEqual(expect.any(String));
    // The id opens nothing: the other account still may not see the child.
    const peek = await call('tetangga', `query($id: ID!) { person(id: $id) { fullName } }`, { id: first.data!.registerChild.id });
    expect(ext(peek).code).toBe('FORBIDDEN');
  });

  test('a twin (same mother and birth date, another name) is a second child', async () => {
    const nik = mother();
    const first = await call<Child>('ibu', CHILD, { i: child(nik) });
    const twin = await call<Child>('ibu', CHILD, { i: child(nik, { fullName: 'Bayu Saputra' }) });
    expect(twin.errors).toBeUndefined();
    expect(twin.data!.registerChild.id).not.toBe(first.data!.registerChild.id);
  });

  test('two registrations of the same child at the same moment make one child', async () => {
    const nik = mother();
    const both = await Promise.all([call<Child>('ibu', CHILD, { i: child(nik) }), call<Child>('ibu', CHILD, { i: child(nik) })]);
    expect(both.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(both[0].data!.registerChild.id).toBe(both[1].data!.registerChild.id);
  });
});

describe('registerChild honours the Idempotency-Key header', () => {
  test('a retry with the same key answers the same child', async () => {
    const nik = mother();
    const key = `reg-${nik.slice(-6)}`;
    const first = await call<Child>('ayah', CHILD, { i: child(nik) }, key);
    const retry = await call<Child>('ayah', CHILD, { i: child(nik) }, key);
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.registerChild.id).toBe(first.data!.registerChild.id);
  });

  test('the same key with another child is IDEMPOTENCY_CONFLICT', async () => {
    const key = `reg-conflict-${serial}`;
    await call<Child>('ayah', CHILD, { i: child(mother()) }, key);
    const other = await call<Child>('ayah', CHILD, { i: child(mother()) }, key);
    expect(ext(other)).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'Idempotency-Key' });
  });
});

describe("linking a child to a mother's NIK from a citizen account", () => {
  const REGISTER_SELF = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`;
  const self = (nik: string) => ({
    nik,
    fullName: 'Dewi Anggraini',
    birthDate: '1994-03-09',
    sex: 'FEMALE',
    residenceKelurahanCode: KELURAHAN,
  });

  test("knowing the mother's NIK is not enough: the link stays PENDING", async () => {
    const res = await call<Child>('tetangga', CHILD, { i: child(mother(), { fullName: 'Candra' }) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.registerChild.motherLink).toBe('PENDING');
  });

  test("the mother's own account links her child at once", async () => {
    const nik = mother();
    expect((await call('ibu-terdaftar', REGISTER_SELF, { i: self(nik) })).errors).toBeUndefined();
    const res = await call<Child>('ibu-terdaftar', CHILD, { i: child(nik) });
    expect(res.data!.registerChild.motherLink).toBe('CONFIRMED');
  });

  test('the claim code a health worker issued for the mother links the child; a wrong code is refused on motherClaimCode', async () => {
    const nik = mother();
    const walkIn = await call<{ registerPerson: { id: string } }>('bidan', REGISTER_SELF, { i: self(nik) });
    const issued = await call<{ issuePersonClaimCode: { code: string } }>(
      'bidan',
      `mutation($id: ID!) { issuePersonClaimCode(personId: $id) { code } }`,
      { id: walkIn.data!.registerPerson.id },
    );
    const wrong = await call<Child>('ayah', CHILD, { i: child(nik, { fullName: 'Eka', motherClaimCode: 'WRONG123' }) });
    expect(ext(wrong)).toMatchObject({ code: 'FORBIDDEN', field: 'motherClaimCode' });
    const ok = await call<Child>('ayah', CHILD, {
      i: child(nik, { fullName: 'Eka', motherClaimCode: issued.data!.issuePersonClaimCode.code }),
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.registerChild.motherLink).toBe('CONFIRMED');
  });

  test('a mother proven by her claim code joins a child someone else registered under her NIK as its guardian', async () => {
    const nik = mother();
    const squat = await call<Child>('tetangga', CHILD, { i: child(nik, { fullName: 'Fajar' }) });
    expect(squat.data!.registerChild.motherLink).toBe('PENDING');
    const walkIn = await call<{ registerPerson: { id: string } }>('bidan', REGISTER_SELF, { i: self(nik) });
    const issued = await call<{ issuePersonClaimCode: { code: string } }>(
      'bidan',
      `mutation($id: ID!) { issuePersonClaimCode(personId: $id) { code } }`,
      { id: walkIn.data!.registerPerson.id },
    );
    const joined = await call<Child>('ibu', CHILD, {
      i: child(nik, { fullName: 'Fajar', motherClaimCode: issued.data!.issuePersonClaimCode.code }),
    });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.registerChild).toMatchObject({ id: squat.data!.registerChild.id, motherLink: 'CONFIRMED' });
  });

  test("a health worker confirms a PENDING mother's NIK at the child's first visit", async () => {
    const nik = mother();
    const pending = await call<Child>('tetangga', CHILD, { i: child(nik, { fullName: 'Galih' }) });
    const id = pending.data!.registerChild.id;
    const CONFIRM = `mutation($id: ID!) { confirmMotherLink(personId: $id) { id motherLink } }`;
    // Not yet seen at the facility: the child is not one of its people.
    expect(ext(await call('bidan', CONFIRM, { id })).code).toBe('FORBIDDEN');
    // The mother brings the child in: the health worker registers the walk-in, which links it to the facility.
    const walkIn = await call<Child>('bidan', CHILD, { i: child(nik, { fullName: 'Galih' }) });
    expect(walkIn.data!.registerChild.id).toBe(id);
    const confirmed = await call<{ confirmMotherLink: { motherLink: string } }>('bidan', CONFIRM, { id });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmMotherLink.motherLink).toBe('CONFIRMED');
  });

  test("a citizen cannot confirm a mother's NIK themselves", async () => {
    const pending = await call<Child>('tetangga', CHILD, { i: child(mother(), { fullName: 'Hana' }) });
    const res = await call(`tetangga`, `mutation($id: ID!) { confirmMotherLink(personId: $id) { id } }`, {
      id: pending.data!.registerChild.id,
    });
    expect(ext(res).code).toBe('FORBIDDEN');
  });
});
