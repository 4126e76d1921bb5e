import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  DoseRecorded,
  makeNik,
  PiiVault,
  UsableStockChanged,
  type DoseRecordPayload,
  type QueryCounter,
  type Role,
  type Sex,
} from '@victori/shared';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../platform/src/testing.js';
import { addDays, localNow } from '../time.js';

/** Demo facilities (data/demo-facilities.csv). */
export const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
export const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';

export const APPOINTMENT_FIELDS = `id status queueNumber slipCode programme doseKind productCode sessionDate walkIn fullName maskedNik birthDate sex
  slot { id startTime remainingPlaces } session { id remainingPlaces servedCount } facility { id code }`;

export interface AppointmentView {
  id: string;
  status: string;
  queueNumber: number;
  slipCode: string;
  doseKind: string;
  sessionDate: string;
  walkIn: boolean;
  fullName: string;
  maskedNik: string;
  slot: { id: string; startTime: string; remainingPlaces: number };
  session: { id: string; remainingPlaces: number; servedCount: number };
  facility: { id: string; code: string };
}

export interface SessionView {
  id: string;
  date: string;
  capacity: number;
  remainingPlaces: number;
  servedCount: number;
  status: string;
  slots: { id: string; startTime: string; endTime: string; capacity: number; remainingPlaces: number }[];
}

export const SESSION_FIELDS = `id date startTime endTime programme productCode doseKinds capacity remainingPlaces servedCount status
  slots { id startTime endTime capacity remainingPlaces }`;

export interface Caller {
  role?: Role;
  sub?: string;
  facilityId?: string;
  headers?: Record<string, string>;
}

export const inDays = (n: number): string => addDays(localNow().date, n);

let serial = 0;
const letters = (n: number): string => (n < 26 ? '' : letters(Math.floor(n / 26) - 1)) + String.fromCharCode(97 + (n % 26));

/** A person with a structurally valid NIK (real Semarang district code) and a unique serial. */
export function person(overrides: Partial<{ birthDate: string; sex: Sex; phone: string; district: string }> = {}) {
  const birthDate = overrides.birthDate ?? '1990-05-17';
  const sex = overrides.sex ?? 'FEMALE';
  serial += 1;
  return {
    nik: makeNik(overrides.district ?? '337401', birthDate, sex, (process.pid % 5000) + serial),
    fullName: `Warga ${letters(serial)}`,
    birthDate,
    sex,
    phone: overrides.phone ?? `0812${String(1_000_000 + serial).padStart(7, '0')}`,
    residenceKelurahanCode: '33.74.01.1001',
  };
}

/** The platform behind the gateway, with booking's consumers driven by hand. */
export class BookingKit {
  private readonly tokens = new Map<string, string>();

  private constructor(readonly platform: TestPlatform) {}

  static async start(
    label: string,
    serviceEnv: Record<string, string> = {},
    gatewayEnv: Record<string, string> = {},
    queryCounter?: QueryCounter,
  ): Promise<BookingKit> {
    return new BookingKit(
      await startTestPlatform(label, {
        background: false,
        // Tests fire many attempts from one address and one NIK on purpose; the rate-limit test turns the limits on.
        serviceEnv: { BOOKING_RATE_PER_IP: '0', BOOKING_RATE_PER_NIK: '0', ...serviceEnv },
        gatewayEnv,
        queryCounters: queryCounter ? { booking: queryCounter } : {},
      }),
    );
  }

  close(): Promise<void> {
    return this.platform.close();
  }

  get vault(): PiiVault {
    return new PiiVault(this.platform.secrets.piiKey);
  }

  async token(caller: Caller): Promise<string | undefined> {
    if (!caller.role || caller.role === 'anonymous') return undefined;
    const key = `${caller.role}|${caller.sub ?? ''}|${caller.facilityId ?? ''}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = await this.platform.token({ role: caller.role, sub: caller.sub ?? `${caller.role}-1`, facilityId: caller.facilityId });
      this.tokens.set(key, token);
    }
    return token;
  }

  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = {},
  ): Promise<GraphQLResponse<T>> {
    return gql<T>(this.platform.gatewayUrl, query, variables, { token: await this.token(caller), headers: caller.headers });
  }

  /** Runs a statement on booking's own database (assertions, moving a session in time). */
  sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.platform.services.booking.runtime.orm.em.fork().execute<T[]>(query, params);
  }

  /** Applies everything on the bus to booking's projections. */
  async drain(): Promise<void> {
    for (const c of this.platform.services.booking.runtime.events.consumers) await c.drain();
  }

  /** What inventory would publish after a stock change. */
  async usableStock(facilityId: string, productCode: string, usableDoses: number): Promise<void> {
    await this.platform.services.booking.runtime.events.transport.append([
      createEnvelope(UsableStockChanged, 'inventory', `${facilityId}:${productCode}`, {
        facilityId,
        productCode,
        usableDoses,
        at: new Date().toISOString(),
      }),
    ]);
    await this.drain();
  }

  /** What immunization would publish after recording a dose. */
  async doseRecorded(nik: string, overrides: Partial<DoseRecordPayload>): Promise<DoseRecordPayload> {
    const payload: DoseRecordPayload = {
      doseRecordId: randomUUID(),
      personId: randomUUID(),
      nikHash: this.vault.hash(nik),
      programme: 'COVID19',
      doseKind: 'PRIMARY_1',
      antigen: 'COVID19',
      doseNumber: 1,
      productCode: 'PFIZER',
      lotNumber: 'LOT-1',
      facilityId: MIROTO,
      administeredAt: new Date().toISOString(),
      appointmentId: null,
      slipCode: null,
      valid: true,
      residenceKelurahanCode: '33.74.01.1001',
      birthDate: '1990-05-17',
      sex: 'FEMALE',
      ...overrides,
    };
    await this.platform.services.booking.runtime.events.transport.append([
      createEnvelope(DoseRecorded, 'immunization', payload.personId, payload),
    ]);
    await this.drain();
    return payload;
  }

  async createSession(
    input: Partial<{
      facilityId: string;
      date: string;
      startTime: string;
      endTime: string;
      productCode: string;
      doseKinds: string[];
      capacity: number;
      slotMinutes: number;
      moreProducts: { productCode: string; doseKinds: string[] }[];
    }> = {},
    caller: Caller = { role: 'admin' },
  ): Promise<SessionView> {
    const res = await this.gql<{ createSession: { session: SessionView } }>(
      `mutation($input: CreateSessionInput!) { createSession(input: $input) { session { ${SESSION_FIELDS} } } }`,
      {
        input: {
          facilityId: MIROTO,
          date: inDays(3),
          startTime: '08:00',
          endTime: '10:00',
          productCode: 'PFIZER',
          doseKinds: ['PRIMARY_1', 'PRIMARY_2', 'BOOSTER_1', 'BOOSTER_2'],
          capacity: 40,
          ...input,
        },
      },
      caller,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.createSession.session;
  }

  async session(id: string): Promise<SessionView> {
    const res = await this.gql<{ session: SessionView }>(`query($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`, { id });
    return res.data!.session;
  }

  book(input: Record<string, unknown>, caller: Caller = {}): Promise<GraphQLResponse<{ bookAppointment: AppointmentView }>> {
    return this.gql(
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { ${APPOINTMENT_FIELDS} } }`,
      { input },
      caller,
    );
  }

  /** Moves a session (and its appointments) `days` into the past or future, as if time had passed. */
  async shiftSession(sessionId: string, toDate: string): Promise<void> {
    await this.sql(`update session set date = ?::date where id = ?`, [toDate, sessionId]);
    await this.sql(`update appointment set session_date = ?::date where session_id = ?`, [toDate, sessionId]);
  }

  async outboxTypes(aggregateId: string): Promise<string[]> {
    const rows = await this.sql<{ type: string }>(`select type from outbox where aggregate_id = ? order by id`, [aggregateId]);
    return rows.map((r) => r.type);
  }
}

export const code = (res: GraphQLResponse<unknown>): unknown => res.errors?.[0]?.extensions?.code;
export const field = (res: GraphQLResponse<unknown>): unknown => res.errors?.[0]?.extensions?.field;
