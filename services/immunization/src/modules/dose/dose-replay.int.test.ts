import { randomUUID } from 'node:crypto';
import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../../platform/src/testing.js';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id doseKind lotNumber clientRecordId vaccinatorName } }`;

/**
 * Offline capture at a posyandu: the device's record id is recordDose's idempotency key, so an entry sent
 * again after a lost answer is the same record, never a second dose.
 */
describe('recordDose with a record id made on the device', () => {
  let platform: TestPlatform;
  const tokens: Record<string, string> = {};
  const call = <T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(platform.gatewayUrl, query, variables, { token: tokens[who]! });
  const errorOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions;
  const rows = async (personId: string) =>
    platform.services.immunization.runtime.orm.em
      .fork()
      .execute<{ id: string; client_record_id: string | null }[]>(`select id, client_record_id from dose_record where person_id = ?`, [
        personId,
      ]);

  let serial = 40;
  const adult = async (who = 'miroto'): Promise<string> => {
    serial += 1;
    const res = await call<{ registerPerson: { id: string } }>(
      who,
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
      {
        i: {
          nik: makeNik('337401', '1988-06-01', 'FEMALE', serial),
          fullName: `Ibu Posyandu ${serial}`,
          birthDate: '1988-06-01',
          sex: 'FEMALE',
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.registerPerson.id;
  };
  const entry = (personId: string, clientRecordId: string, overrides: Record<string, unknown> = {}) => ({
    personId,
    programme: 'COVID19',
    doseKind: 'PRIMARY_1',
    productCode: 'PFIZER',
    lotNumber: 'PF-OFF-1',
    administeredAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    clientRecordId,
    vaccinatorName: 'Bidan Sari',
    ...overrides,
  });

  beforeAll(async () => {
    platform = await startTestPlatform('replay', { background: false });
    tokens.miroto = await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    tokens.bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO });
    tokens.partner = await platform.token({ role: 'partner', sub: 'partner-1' });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('the same entry sent three times is one record, answered the same each time', async () => {
    const personId = await adult();
    const id = randomUUID();
    const input = entry(personId, id);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call<{ recordDose: { id: string } }>('miroto', RECORD, { i: input }));
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data!.recordDose.id)).size).toBe(1);
    expect(answers[0]!.data!.recordDose).toMatchObject({ clientRecordId: id, vaccinatorName: 'Bidan Sari', lotNumber: 'PF-OFF-1' });
    expect(await rows(personId)).toEqual([{ id: answers[0]!.data!.recordDose.id, client_record_id: id }]);
  });

  test('sent concurrently (the answer lost, the device retries at once), still one record', async () => {
    const personId = await adult();
    const input = entry(personId, randomUUID());
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call<{ recordDose: { id: string } }>('miroto', RECORD, { i: input })),
    );
    expect(answers.map((a) => errorOf(a)?.code)).toEqual([undefined, undefined, undefined, undefined]);
    expect(new Set(answers.map((a) => a.data!.recordDose.id)).size).toBe(1);
    expect(await rows(personId)).toHaveLength(1);
  });

  test('another dose under the same record id is IDEMPOTENCY_CONFLICT naming the first record, and changes nothing', async () => {
    const personId = await adult();
    const id = randomUUID();
    const first = await call<{ recordDose: { id: string } }>('miroto', RECORD, { i: entry(personId, id) });
    const other = await call('miroto', RECORD, { i: entry(personId, id, { lotNumber: 'PF-OFF-2' }) });
    expect(errorOf(other)).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'clientRecordId',
      existingDoseRecordId: first.data!.recordDose.id,
      messageEn: 'This record id was already used for a different dose',
    });
    expect(await rows(personId)).toHaveLength(1);
  });

  test('the same dose recorded elsewhere under another id is DUPLICATE naming the record already there', async () => {
    const personId = await adult();
    const first = await call<{ recordDose: { id: string } }>('miroto', RECORD, { i: entry(personId, randomUUID()) });
    const second = await call('miroto', RECORD, { i: entry(personId, randomUUID(), { lotNumber: 'PF-OFF-3' }) });
    expect(errorOf(second)).toMatchObject({ code: 'DUPLICATE', field: 'doseKind', existingDoseRecordId: first.data!.recordDose.id });
    expect(await rows(personId)).toHaveLength(1);
  });

  test("keys are per facility: another facility's worker neither replays nor learns of Miroto's entry", async () => {
    const personId = await adult();
    const id = randomUUID();
    const mine = await call<{ recordDose: { id: string } }>('miroto', RECORD, { i: entry(personId, id) });
    const elsewhere = await call('bandarharjo', RECORD, { i: entry(personId, id) });
    // Not a replay of Miroto's record: Bandarharjo's policy decides (the person is not linked there).
    expect(errorOf(elsewhere)?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(elsewhere)).not.toContain(mine.data!.recordDose.id);
    expect(await rows(personId)).toHaveLength(1);
    expect(errorOf(await call('partner', RECORD, { i: entry(personId, id) }))?.code).toBe('FORBIDDEN');
  });

  test('a record id that is not a UUID, or a vaccinator name of one letter, is refused with the field', async () => {
    const personId = await adult();
    expect(errorOf(await call('miroto', RECORD, { i: entry(personId, 'abc') }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'clientRecordId',
    });
    expect(errorOf(await call('miroto', RECORD, { i: entry(personId, randomUUID(), { vaccinatorName: 'S' }) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'vaccinatorName',
    });
    expect(await rows(personId)).toHaveLength(0);
  });
});
