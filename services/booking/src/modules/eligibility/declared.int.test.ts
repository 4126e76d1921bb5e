import { BookingKit, code, inDays, MIROTO, person } from '../../testing/kit.js';

/**
 * Doses given before this platform existed, as booking sees them: an adult whose primary doses were
 * given elsewhere declares them and can book the booster; a rejected declaration no longer counts.
 */
let kit: BookingKit;
let slotId: string;
beforeAll(async () => {
  kit = await BookingKit.start('declared-eligibility');
  await kit.usableStock(MIROTO, 'PFIZER', 100);
  slotId = (await kit.createSession({ date: inDays(10), capacity: 40 })).slots[0]!.id;
});
afterAll(async () => {
  await kit?.close();
});

/** Immunization's events reach booking (what the background relay and consumers do in production). */
async function settle(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await kit.platform.services.immunization.runtime.events.relay.relayOnce();
    await kit.drain();
  }
}

async function adultWithDeclaredPrimaries(sub: string) {
  const p = person();
  const citizen = { role: 'citizen' as const, sub };
  const self = await kit.gql<{ registerPerson: { id: string } }>(
    `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
    { i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode } },
    citizen,
  );
  expect(self.errors).toBeUndefined();
  const ids: string[] = [];
  for (const [doseKind, givenOn] of [
    ['PRIMARY_1', '2021-08-02'],
    ['PRIMARY_2', '2021-09-01'],
  ] as const) {
    const res = await kit.gql<{ declarePastDose: { id: string } }>(
      `mutation($i: DeclarePastDoseInput!) { declarePastDose(input: $i) { id } }`,
      { i: { personId: self.data!.registerPerson.id, programme: 'COVID19', doseKind, givenOn, place: 'Gerai vaksinasi Polda Jateng' } },
      citizen,
    );
    expect(res.errors).toBeUndefined();
    ids.push(res.data!.declarePastDose.id);
  }
  return { p, ids };
}

const bookBooster = (p: ReturnType<typeof person>) => kit.book({ ...p, doseKind: 'BOOSTER_1', slotId });

test('an adult without any dose on record is not eligible for a booster', async () => {
  expect(code(await bookBooster(person()))).toBe('NOT_ELIGIBLE');
});

test('an adult who declared the primary doses given elsewhere can book the booster', async () => {
  const { p } = await adultWithDeclaredPrimaries('warga-deklarasi-1');
  await settle();
  const res = await bookBooster(p);
  expect(res.errors).toBeUndefined();
});

test('once a nurse rejects a declared primary dose, the booster is no longer bookable on it', async () => {
  const { p, ids } = await adultWithDeclaredPrimaries('warga-deklarasi-2');
  const rejected = await kit.gql(
    `mutation($id: ID!) { rejectDeclaredDose(declaredDoseId: $id, reason: "Sertifikat vaksin tidak ditemukan") { status } }`,
    { id: ids[1] },
    { role: 'admin' },
  );
  expect(rejected.errors).toBeUndefined();
  await settle();
  expect(code(await bookBooster(p))).toBe('NOT_ELIGIBLE');
});
