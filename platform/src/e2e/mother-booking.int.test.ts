import { makeNik, SERVICES } from '@victori/shared';
import { addDays } from '../../../services/booking/src/time.js';
import { BookingKit, code, field, inDays, MIROTO, type Caller } from '../../../services/booking/src/testing/kit.js';

/**
 * A mother without a citizen account books for her child (issue 15, item 1): the child's registry id,
 * her NIK and her proof (the slip code of one of her own appointments), through the gateway on real
 * PostgreSQL. Only a mother link the registry confirmed counts; knowing her NIK is not enough.
 */
const REGISTER_CHILD = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id motherLink } }`;
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id status slipCode doseKind birthDate } }`;
const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };
const NEIGHBOUR: Caller = { role: 'citizen', sub: 'citizen-neighbour' };

type Booked = { bookAppointment: { id: string; status: string; slipCode: string; doseKind: string; birthDate: string } };

describe('a mother books for her child with her NIK and her proof', () => {
  let kit: BookingKit;
  let slotId: string;
  let mothersSlip: string;
  const motherNik = makeNik('337401', '1992-08-21', 'FEMALE', 57);
  const childBorn = addDays(inDays(0), -70);
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const register = async (fullName: string, caller: Caller): Promise<{ id: string; motherLink: string }> => {
    const res = await kit.gql<{ registerChild: { id: string; motherLink: string } }>(
      REGISTER_CHILD,
      { i: { fullName, birthDate: childBorn, sex: 'MALE', motherNik, residenceKelurahanCode: '33.74.01.1001' } },
      caller,
    );
    expect(res.errors).toBeUndefined();
    await settle();
    return res.data!.registerChild;
  };
  const forChild = (personId: string, extra: Record<string, unknown> = {}) => ({
    personId,
    motherNik,
    motherSlipCode: mothersSlip,
    phone: '081234567771',
    doseKind: 'DPT-HB-HIB1',
    slotId,
    ...extra,
  });

  beforeAll(async () => {
    kit = await BookingKit.start('mother-booking', { BOOKING_SAME_DAY_CUTOFF: '00:00' });
    await kit.usableStock(MIROTO, 'PENTABIO', 50);
    await kit.usableStock(MIROTO, 'PFIZER', 50);
    const child = await kit.createSession({ productCode: 'PENTABIO', doseKinds: ['DPT-HB-HIB1'], capacity: 20, slotMinutes: 120 });
    slotId = child.slots[0]!.id;
    // Her own appointment (a COVID-19 dose), booked by NIK without an account: its slip code is her proof.
    const covid = await kit.createSession({ date: inDays(4), capacity: 20 });
    const own = await kit.gql<Booked>(BOOK, {
      input: {
        nik: motherNik,
        fullName: 'Sri Wahyuni',
        birthDate: '1992-08-21',
        sex: 'FEMALE',
        phone: '081234567770',
        residenceKelurahanCode: '33.74.01.1001',
        doseKind: 'PRIMARY_1',
        slotId: covid.slots[0]!.id,
      },
    });
    expect(own.errors).toBeUndefined();
    mothersSlip = own.data!.bookAppointment.slipCode;
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('a child the health worker registered with the mother: she books it with her NIK and her slip code, no account', async () => {
    const child = await register('Raka Pratama', MIROTO_HW);
    expect(child.motherLink).toBe('CONFIRMED');
    const res = await kit.gql<Booked>(BOOK, { input: forChild(child.id) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookAppointment).toMatchObject({ status: 'BOOKED', doseKind: 'DPT-HB-HIB1', birthDate: childBorn });
  });

  test('a wrong slip code gets the same answer as an unknown child', async () => {
    const child = await register('Raka Pratama Dua', MIROTO_HW);
    const wrong = await kit.gql(BOOK, { input: forChild(child.id, { motherSlipCode: 'ZZZZZZ' }) });
    const unknown = await kit.gql(BOOK, { input: forChild('00000000-0000-4000-8000-000000000000') });
    expect([code(wrong), field(wrong)]).toEqual(['NOT_FOUND', 'personId']);
    expect([code(unknown), field(unknown)]).toEqual(['NOT_FOUND', 'personId']);
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  test('another woman’s NIK with her own slip code does not book the child', async () => {
    const child = await register('Raka Pratama Tiga', MIROTO_HW);
    const res = await kit.gql(BOOK, { input: forChild(child.id, { motherNik: makeNik('337401', '1990-01-02', 'FEMALE', 58) }) });
    expect(code(res)).toBe('NOT_FOUND');
  });

  test('a mother link typed in from someone else’s account without proof does not let the NIK book, until a health worker confirms it', async () => {
    const pending = await register('Dimas Saputra', NEIGHBOUR);
    expect(pending.motherLink).toBe('PENDING');
    expect(code(await kit.gql(BOOK, { input: forChild(pending.id) }))).toBe('NOT_FOUND');
    // The mother brings the child in: the health worker registers the walk-in, which confirms the link.
    const seen = await register('Dimas Saputra', MIROTO_HW);
    expect(seen).toEqual({ id: pending.id, motherLink: 'CONFIRMED' });
    const res = await kit.gql<Booked>(BOOK, { input: forChild(pending.id) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookAppointment.status).toBe('BOOKED');
  });

  test('the mother’s slip code without her NIK is refused on the missing field', async () => {
    const res = await kit.gql(BOOK, { input: forChild('00000000-0000-4000-8000-000000000000', { motherNik: null }) });
    expect([code(res), field(res)]).toEqual(['BAD_USER_INPUT', 'motherNik']);
  });
});
