import { startEdge, type RunningEdge } from '@victori/gateway';
import { SERVICES } from '@victori/shared';
import { BookingKit, inDays, MIROTO, person, type Caller } from '../../../services/booking/src/testing/kit.js';
import { testEdgeConfig } from '../testing.js';

/**
 * The contract a client developer meets, through the real edge, gateway and subgraphs: every mistake of
 * a submission at once, stable message keys, English that is English, variable errors that name the
 * field and never echo the value, cursor connections, and the links between services.
 */
interface GraphQLError {
  message: string;
  extensions: {
    code: string;
    field?: string;
    messageId: string;
    messageEn: string;
    fields?: { field: string; message: string; messageEn: string; messageId: string }[];
    [key: string]: unknown;
  };
}
interface Answer<T = Record<string, unknown>> {
  status: number;
  text: string;
  body: { data?: T; errors?: GraphQLError[] };
}

describe('the contract a client developer meets', () => {
  let kit: BookingKit;
  let edge: RunningEdge;
  const post = async <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = {},
  ): Promise<Answer<T>> => {
    const token = await kit.token(caller);
    const res = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Answer<T>['body'] };
  };
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const ADMIN: Caller = { role: 'admin', sub: 'admin-contract' };
  const HW: Caller = { role: 'health-worker', sub: 'hw-contract', facilityId: MIROTO };

  beforeAll(async () => {
    kit = await BookingKit.start('contract');
    edge = await startEdge(testEdgeConfig(kit.platform.gatewayUrl));
    await kit.usableStock(MIROTO, 'PFIZER', 500);
  });
  afterAll(async () => {
    await edge?.close();
    await kit?.close();
  });

  describe('a submission with many mistakes hears of all of them at once', () => {
    test.each([
      {
        service: 'booking',
        caller: ADMIN,
        query: `mutation($i: CreateFacilityInput!) { createFacility(input: $i) { id } }`,
        input: {
          code: '!',
          name: ' ',
          type: 'PUSKESMAS',
          kelurahanCode: 'nowhere',
          address: '',
          latitude: 123,
          longitude: -999,
          phone: 'call me',
          email: 'not-an-address',
          openingHours: [{ weekday: 9, opens: '8am', closes: '07:00' }],
        },
        fields: [
          'address',
          'code',
          'email',
          'kelurahanCode',
          'latitude',
          'longitude',
          'name',
          'openingHours.0.opens',
          'openingHours.0.weekday',
          'phone',
        ],
      },
      {
        service: 'booking',
        caller: ADMIN,
        query: `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }`,
        input: {
          facilityId: MIROTO,
          date: '2020-01-01',
          startTime: '25:00',
          endTime: '7',
          productCode: 'PFIZER',
          doseKinds: ['PRIMARY_1'],
          capacity: 0,
          slotMinutes: 1,
        },
        fields: ['capacity', 'date', 'endTime', 'slotMinutes', 'startTime'],
      },
      {
        service: 'inventory',
        caller: ADMIN,
        query: `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { __typename } }`,
        input: { productCode: 'PFIZER', lotNumber: '??', expiryDate: '2021-02-28', doses: -5, note: 'x'.repeat(1001) },
        fields: ['doses', 'expiryDate', 'lotNumber', 'note'],
      },
      {
        service: 'immunization',
        caller: HW,
        query: `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
        input: { nik: '12', fullName: 'x', birthDate: '2999-01-01', sex: null, residenceKelurahanCode: '00' },
        fields: ['birthDate', 'fullName', 'nik', 'residenceKelurahanCode', 'sex'],
      },
      {
        service: 'identity',
        caller: ADMIN,
        query: `mutation($i: CreateStaffAccountInput!) { createStaffAccount(input: $i) { id } }`,
        input: { username: 'A', password: 'short', role: 'HEALTH_WORKER', facilityId: null },
        fields: ['facilityId', 'password', 'username'],
      },
    ])('$service: $fields.length mistakes, $fields.length field errors in one answer', async ({ caller, query, input, fields }) => {
      const res = await post(query, { i: input }, caller);
      expect(res.body.errors).toHaveLength(1);
      const ext = res.body.errors![0]!.extensions;
      expect(ext.code).toBe('BAD_USER_INPUT');
      expect(ext.fields!.map((f) => f.field).sort()).toEqual(fields);
      expect(ext.field).toBe(ext.fields![0]!.field);
      for (const f of ext.fields!) {
        expect(f.message).not.toBe(f.messageEn);
        expect(f.messageId).toMatch(/^badUserInput\.[A-Za-z0-9.]+$/);
      }
    });
  });

  test('values GraphQL cannot read (a date, an instant, an enum) are all refused in one answer, each named, none echoed', async () => {
    const nik = person().nik;
    const res = await post(
      `mutation($i: RegisterPersonInput!, $d: RecordDoseInput!) { registerPerson(input: $i) { id } recordDose(input: $d) { id } }`,
      {
        i: { nik, fullName: 'Sari Dewi', birthDate: '17-05-1990', sex: 'PEREMPUAN', residenceKelurahanCode: '33.74.01.1001' },
        d: {
          personId: '00000000-0000-4000-8000-000000000000',
          programme: 'COVID19',
          doseKind: 'BOOSTER_1',
          productCode: 'INDOVAC',
          lotNumber: 'L-1',
          expirationDate: '2027-02-30',
          administeredAt: '2026-12-01 09:30',
        },
      },
      HW,
    );
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(nik);
    expect(res.text).not.toContain('17-05-1990');
    expect(res.text).not.toContain('PEREMPUAN');
    const mistakes = res.body.errors!.map((e) => [e.extensions.variable, e.extensions.field, e.extensions.messageId]);
    expect(mistakes).toEqual([
      ['i', 'birthDate', 'badUserInput.notADate'],
      ['i', 'sex', 'badUserInput.notInEnum'],
      ['d', 'expirationDate', 'badUserInput.notADate'],
      ['d', 'administeredAt', 'badUserInput.notADateTime'],
    ]);
    for (const e of res.body.errors!) {
      expect(e.extensions.code).toBe('BAD_USER_INPUT');
      expect(e.message).not.toBe(e.extensions.messageEn);
    }
    expect(res.body.errors![0]!.extensions.messageEn).toBe('birthDate must be a date, YYYY-MM-DD');
  });

  test('coercion first, then the rules: a form with a malformed date hears of it alone; once every value is readable, of every rule at once', async () => {
    const q = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`;
    const malformed = await post(
      q,
      { i: { nik: '12', fullName: 'x', birthDate: '1990-13-45', sex: 'MALE', residenceKelurahanCode: '00' } },
      HW,
    );
    expect(malformed.body.errors!.map((e) => e.extensions.field)).toEqual(['birthDate']);
    const readable = await post(
      q,
      { i: { nik: '12', fullName: 'x', birthDate: '1990-12-25', sex: 'MALE', residenceKelurahanCode: '00' } },
      HW,
    );
    expect(readable.body.errors).toHaveLength(1);
    expect(readable.body.errors![0]!.extensions.fields!.map((f) => f.field).sort()).toEqual(['fullName', 'nik', 'residenceKelurahanCode']);
  });

  test('messageId is a stable key, not a sentence; English is English', async () => {
    const missing = await post(`query($id: ID!) { session(id: $id) { id } }`, { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.body.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      messageId: 'notFound.session',
      messageEn: 'Session not found',
    });
    expect(missing.body.errors![0]!.message).toBe('Sesi tidak ditemukan');
    const appointment = await post(`mutation { cancelAppointment(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, ADMIN);
    expect(appointment.body.errors![0]!.extensions).toMatchObject({
      messageId: 'notFound.appointment',
      messageEn: 'Appointment not found',
    });
    const anonymous = await post(`{ admin { booking { consumers { lag } } } }`);
    expect(anonymous.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', messageId: 'common.unauthenticated' });
    const partner = await post(`{ admin { booking { consumers { lag } } } }`, {}, { role: 'partner', sub: 'p-1' });
    expect(partner.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', messageId: 'common.forbidden' });
  });

  test('variable-coercion errors name the field in both languages and never echo the NIK', async () => {
    const nik = person().nik;
    const session = await kit.createSession({ facilityId: MIROTO, date: inDays(5) });
    const res = await post(`mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`, {
      input: {
        nik: Number(nik),
        fullName: 'Sari Dewi',
        birthDate: ['1990-05-17'],
        slotId: session.slots[0]!.id,
        doseKind: 7,
        unknownField: nik,
      },
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(nik);
    expect(res.text).not.toContain(nik.slice(0, 12));
    expect(res.text).not.toContain('Sari');
    const byField = Object.fromEntries(res.body.errors!.map((e) => [e.extensions.field, e]));
    // The required phone is missing as well: every mistake of the variables at once.
    expect(Object.keys(byField).sort()).toEqual(['birthDate', 'doseKind', 'nik', 'phone', 'unknownField']);
    expect(byField.nik!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      variable: 'input',
      messageId: 'badUserInput.wrongType',
      messageEn: 'nik must be a String',
    });
    expect(byField.nik!.message).toBe('nik harus berupa String');
    expect(byField.unknownField!.extensions).toMatchObject({ messageId: 'badUserInput.unknownField' });
    for (const e of res.body.errors!) expect(e.extensions.fields).toEqual([expect.objectContaining({ field: e.extensions.field })]);

    const missing = await post(`query($id: ID!) { session(id: $id) { id } }`, {});
    expect(missing.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', messageId: 'badUserInput.required' });
    expect(missing.body.errors![0]!.message).toBe('id wajib diisi');
  });

  test('Facility.sessions is a cursor connection that walks every session of the facility once', async () => {
    for (const day of [7, 8, 9]) await kit.createSession({ facilityId: MIROTO, date: inDays(day) });
    type Page = {
      facility: {
        sessions: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { id: string; date: string; facility: { id: string } } }[];
        };
      };
    };
    const QUERY = `query($id: ID!, $after: String) { facility(id: $id) { sessions(first: 2, after: $after, filter: { dateFrom: "${inDays(7)}" }) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id date facility { id } } } } } }`;
    const seen: string[] = [];
    let after: string | undefined;
    for (let round = 0; round < 5; round++) {
      const res = await post<Page>(QUERY, { id: MIROTO, after });
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data!.facility.sessions;
      expect(page.totalCount).toBe(3);
      seen.push(...page.edges.map((e) => e.node.date));
      expect(page.edges.every((e) => e.node.facility.id === MIROTO)).toBe(true);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([inDays(7), inDays(8), inDays(9)]);
  });

  test('the stock ledger is a cursor connection: pages of first entries, newest first, each entry once', async () => {
    for (const doses of [10, 20, 30]) {
      const res = await post(
        `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { __typename } }`,
        { i: { productCode: 'PFIZER', lotNumber: `CT-${doses}`, expiryDate: inDays(300), doses } },
        ADMIN,
      );
      expect(res.body.errors).toBeUndefined();
    }
    type Page = {
      stockLedger: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { id: string; quantity: number } }[];
      };
    };
    const QUERY = `query($after: String) { stockLedger(reason: RECEIPT, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id quantity } } } }`;
    const first = await post<Page>(QUERY, {}, ADMIN);
    expect(first.body.errors).toBeUndefined();
    const ledger = first.body.data!.stockLedger;
    expect(ledger.edges.map((e) => e.node.quantity)).toEqual([30, 20]);
    expect(ledger.pageInfo.hasNextPage).toBe(true);
    const second = await post<Page>(QUERY, { after: ledger.pageInfo.endCursor }, ADMIN);
    expect(second.body.data!.stockLedger.edges.map((e) => e.node.quantity)[0]).toBe(10);
    expect(second.body.data!.stockLedger.totalCount).toBe(ledger.totalCount);
    const bad = await post(QUERY, { after: 'garbage' }, ADMIN);
    expect(bad.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('Appointment.person links to the registry for those who may see the person, and to no one else', async () => {
    const citizen: Caller = { role: 'citizen', sub: 'citizen-contract' };
    const p = person();
    const registered = await post<{ registerPerson: { id: string } }>(
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
      { i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode } },
      citizen,
    );
    expect(registered.body.errors).toBeUndefined();
    await settle();
    const session = await kit.createSession({ facilityId: MIROTO, date: inDays(6) });
    const booked = await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id }, citizen);
    expect(booked.errors).toBeUndefined();
    const slipCode = booked.data!.bookAppointment.slipCode;

    const own = await post<{ myAppointments: { edges: { node: { person: { id: string; fullName: string } | null } }[] } }>(
      `{ myAppointments { edges { node { person { id fullName } } } } }`,
      {},
      citizen,
    );
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data!.myAppointments.edges.map((e) => e.node)).toEqual([
      { person: { id: registered.body.data!.registerPerson.id, fullName: p.fullName } },
    ]);

    const day = await post<{ facilityDayList: { slipCode: string; person: { id: string } | null }[] }>(
      `query($d: Date!) { facilityDayList(facilityId: "${MIROTO}", date: $d) { slipCode person { id } } }`,
      { d: inDays(6) },
      ADMIN,
    );
    expect(day.body.errors).toBeUndefined();
    expect(day.body.data!.facilityDayList.find((a) => a.slipCode === slipCode)?.person).toEqual({
      id: registered.body.data!.registerPerson.id,
    });

    // The holder without an account, by what is on the slip: the appointment, not the registry record.
    const holder = await post<{ myAppointments: { edges: { node: { person: unknown } }[] } }>(
      `query($n: String, $b: Date, $s: String) { myAppointments(nik: $n, birthDate: $b, slipCode: $s) { edges { node { id person { id } } } } }`,
      { n: p.nik, b: p.birthDate, s: slipCode },
    );
    expect(holder.body.errors).toBeUndefined();
    expect(holder.body.data!.myAppointments.edges.map((e) => e.node).map((a) => a.person)).toEqual([null]);
  });

  test('dead letters of every service sit behind one admin namespace, one field per service', async () => {
    const res = await post<{ admin: Record<string, { consumers: { service: string }[]; deadLetters: { totalCount: number } }> }>(
      `{ admin { booking { consumers { service } deadLetters { totalCount } } immunization { consumers { service } deadLetters { totalCount } }
         inventory { consumers { service } deadLetters { totalCount } } reporting { consumers { service } deadLetters { totalCount } } } }`,
      {},
      ADMIN,
    );
    expect(res.body.errors).toBeUndefined();
    for (const service of ['booking', 'immunization', 'inventory', 'reporting']) {
      expect(res.body.data!.admin[service]!.consumers.length).toBeGreaterThan(0);
      expect(res.body.data!.admin[service]!.consumers.every((c) => c.service === service)).toBe(true);
      expect(res.body.data!.admin[service]!.deadLetters.totalCount).toBe(0);
    }
  });
});
