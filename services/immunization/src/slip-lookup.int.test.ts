import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';

/**
 * "My appointments" without an account (issue 18, item 3): the holder of a slip sees their dose records
 * and each one's delivery to SATUSEHAT with the NIK, birth date and a slip code from one of their doses,
 * through the real gateway on PostgreSQL. Every mismatch is the same empty answer.
 */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const LOOKUP = `query($n: String!, $b: Date!, $s: String!) {
  doseRecordsBySlip(nik: $n, birthDate: $b, slipCode: $s) { doseRecordId antigen doseNumber productCode administeredAt deliveryState facility { id name } } }`;
type Found = {
  doseRecordsBySlip: {
    doseRecordId: string;
    antigen: string;
    doseNumber: number;
    productCode: string;
    administeredAt: string;
    deliveryState: string;
    facility: { id: string; name: string } | null;
  }[];
};

let platform: TestPlatform;
let hw: string;
let partner: string;
const holder = { nik: makeNik('337401', '1986-08-19', 'FEMALE', 4711), birthDate: '1986-08-19' };
const sql = <T>(q: string, params: unknown[] = []) => platform.services.immunization.runtime.orm.em.fork().execute<T[]>(q, params);
const lookup = (vars: { n: string; b: string; s: string }, token?: string) => gql<Found>(platform.gatewayUrl, LOOKUP, vars, { token });
let first: string;

beforeAll(async () => {
  platform = await startTestPlatform('slip-lookup', { background: false });
  hw = await platform.token({ role: 'health-worker', sub: 'hw-slip', facilityId: MIROTO });
  partner = await platform.token({ role: 'partner', sub: 'partner-slip' });
  const reg = await gql<{ registerPerson: { id: string } }>(
    platform.gatewayUrl,
    `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
    { i: { ...holder, fullName: 'Sri Lestari', sex: 'FEMALE', residenceKelurahanCode: '33.74.01.1001' } },
    { token: hw },
  );
  expect(reg.errors).toBeUndefined();
  const record = async (doseKind: string, slipCode: string | null, administeredAt: string) => {
    const res = await gql<{ recordDose: { id: string } }>(
      platform.gatewayUrl,
      `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`,
      {
        i: {
          personId: reg.data!.registerPerson.id,
          programme: 'COVID19',
          doseKind,
          productCode: 'PFIZER',
          lotNumber: 'PF-SLIP-1',
          administeredAt,
          ...(slipCode ? { slipCode } : {}),
        },
      },
      { token: hw },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.recordDose.id;
  };
  first = await record('PRIMARY_1', 'K7PQ2M', new Date(Date.now() - 30 * 86_400_000).toISOString());
  await record('PRIMARY_2', null, new Date().toISOString());
});
afterAll(async () => {
  await platform?.close();
});

test('the slip holder sees every dose record of theirs with its delivery state, without signing in', async () => {
  const res = await lookup({ n: holder.nik, b: holder.birthDate, s: 'k7pq2m ' });
  expect(res.errors).toBeUndefined();
  expect(res.data!.doseRecordsBySlip.map((d) => `${d.antigen} ${d.doseNumber} ${d.deliveryState}`)).toEqual([
    'COVID19 1 PENDING',
    'COVID19 2 PENDING',
  ]);
  expect(res.data!.doseRecordsBySlip[0]!.facility).toEqual({ id: MIROTO, name: 'Puskesmas Miroto' });
});

test('the state follows the delivery: delivered and failed read as such', async () => {
  await sql(`update national_delivery set status = 'DELIVERED', delivered_at = now() where dose_record_id = ?`, [first]);
  const res = await lookup({ n: holder.nik, b: holder.birthDate, s: 'K7PQ2M' });
  expect(res.data!.doseRecordsBySlip.map((d) => d.deliveryState)).toEqual(['DELIVERED', 'PENDING']);
});

test.each([
  ['another birth date', { n: holder.nik, b: '1986-08-20', s: 'K7PQ2M' }],
  ['a slip code never written on this person’s doses', { n: holder.nik, b: holder.birthDate, s: 'ZZZZZZ' }],
  ['an unknown NIK', { n: makeNik('337401', '1986-08-19', 'FEMALE', 4712), b: holder.birthDate, s: 'K7PQ2M' }],
])('%s: the same empty answer, nothing about which part was wrong', async (_, vars) => {
  const res = await lookup(vars);
  expect(res.errors).toBeUndefined();
  expect(res.data!.doseRecordsBySlip).toEqual([]);
});

test('unreadable input: every field’s mistake at once, in both languages, without echoing the NIK', async () => {
  const res = await lookup({ n: '12345', b: '1986-08-19', s: '!' });
  const e = res.errors![0]!;
  expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nik' });
  const fields = (e.extensions!.fields as { field: string; messageEn: string }[]).map((f) => f.field);
  expect(fields).toEqual(['nik', 'slipCode']);
  expect(JSON.stringify(res.errors)).not.toContain('12345');
  // A birth date that is not a Date is refused by GraphQL's coercion at the gateway, named, not echoed.
  const unreadable = await lookup({ n: '12345', b: '19-08-1986', s: '!' });
  expect(unreadable.errors!.map((x) => x.extensions)).toEqual([
    expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'birthDate', messageId: 'badUserInput.notADate' }),
  ]);
  expect(JSON.stringify(unreadable.errors)).not.toContain('19-08-1986');
});

test('staff and partners do not look citizens up by what is on a slip', async () => {
  const vars = { n: holder.nik, b: holder.birthDate, s: 'K7PQ2M' };
  expect((await lookup(vars, hw)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  expect((await lookup(vars, partner)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
});
