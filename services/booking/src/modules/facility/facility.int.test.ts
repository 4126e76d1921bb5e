import { BookingKit, code, field, inDays, MIROTO } from '../../testing/kit.js';

/** A facility's SATUSEHAT ids (issue 22): admin-managed, published with the facility, checked when a session opens. */
let kit: BookingKit;
beforeAll(async () => {
  // As in production: sessions only at facilities registered in SATUSEHAT.
  kit = await BookingKit.start('facility-satusehat', { BOOKING_REQUIRE_SATUSEHAT_IDS: 'true' });
  await kit.usableStock(MIROTO, 'PFIZER', 1000);
});
afterAll(async () => {
  await kit?.close();
});

const SET = `mutation($id: ID!, $i: SatusehatIdsInput!) { setFacilitySatusehatIds(id: $id, input: $i) { id satusehatOrganizationId satusehatLocationId } }`;
const CREATE = `mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }`;
const session = {
  facilityId: MIROTO,
  date: inDays(7),
  startTime: '08:00',
  endTime: '12:00',
  productCode: 'PFIZER',
  doseKinds: ['PRIMARY_1'],
  capacity: 50,
};
const ids = { organizationId: '100026002', locationId: '5a7e0000-0000-4000-8000-000000000002' };

test('a session is refused at a facility without SATUSEHAT ids, and opens once an admin registered them', async () => {
  const refused = await kit.gql(CREATE, { input: session }, { role: 'admin' });
  expect(code(refused)).toBe('CONFLICT');
  expect(refused.errors![0]!.extensions).toMatchObject({ field: 'facilityId', reason: 'FACILITY_NOT_REGISTERED' });

  const set = await kit.gql(SET, { id: MIROTO, i: ids }, { role: 'admin' });
  expect(set.data).toEqual({
    setFacilitySatusehatIds: { id: MIROTO, satusehatOrganizationId: ids.organizationId, satusehatLocationId: ids.locationId },
  });
  // National delivery learns them from the facility event.
  const [event] = await kit.sql<{ payload: Record<string, unknown> }>(
    `select payload from outbox where aggregate_id = ? and type = 'facility.upserted' order by id desc limit 1`,
    [MIROTO],
  );
  expect(event!.payload).toMatchObject({
    facilityId: MIROTO,
    satusehatOrganizationId: ids.organizationId,
    satusehatLocationId: ids.locationId,
  });
  const opened = await kit.gql(CREATE, { input: session }, { role: 'admin' });
  expect(opened.errors).toBeUndefined();
});

test('only admins register the ids; malformed ids are refused field by field, all at once', async () => {
  expect(code(await kit.gql(SET, { id: MIROTO, i: ids }, { role: 'health-worker', facilityId: MIROTO, sub: 'hw-1' }))).toBe('FORBIDDEN');
  const bad = await kit.gql(SET, { id: MIROTO, i: { organizationId: 'ORG-1', locationId: 'Puskesmas Miroto' } }, { role: 'admin' });
  expect(code(bad)).toBe('BAD_USER_INPUT');
  expect(field(bad)).toBe('organizationId');
  expect((bad.errors![0]!.extensions as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual([
    'organizationId',
    'locationId',
  ]);
  const unknown = await kit.gql(SET, { id: '00000000-0000-4000-8000-000000000000', i: ids }, { role: 'admin' });
  expect(code(unknown)).toBe('NOT_FOUND');
});
