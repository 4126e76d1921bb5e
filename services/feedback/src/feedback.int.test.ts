import { randomUUID } from 'node:crypto';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { AppointmentCompleted, Env, publish, SERVICES, type AppointmentPayload } from '@victori/shared';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { BANDARHARJO, BookingKit, inDays, MIROTO, person, type Caller } from '../../booking/src/testing/kit.js';
import { feedbackSettings } from './context.js';
import { DeadlineTimer } from './modules/complaint/deadline.timer.js';
import { SurveyInvitationEntity } from './modules/survey/survey.entity.js';
import { surveyToken } from './modules/survey/survey.rules.js';

/**
 * Feedback through the public port (edge, gateway, the real subgraphs on real PostgreSQL): complaints and
 * their deadlines, the FAQ, and the satisfaction survey of a completed visit.
 */
const DAY = 86_400_000;
const COMPLAINT = `id reference status category { code handling } facility { id name } description onBehalf channel
  responseDueAt resolutionDueAt firstResponseAt escalations rating reopenedCount history { actorRole action status note }`;
const SUBMIT = `mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { ${COMPLAINT} } }`;
const NIK = '3374015705900001';

interface ComplaintView {
  id: string;
  reference: string;
  status: string;
  category: { code: string; handling: string };
  facility: { id: string; name: string } | null;
  onBehalf: boolean;
  channel: string;
  responseDueAt: string;
  resolutionDueAt: string;
  firstResponseAt: string | null;
  escalations: string[];
  rating: number | null;
  reopenedCount: number;
  history: { actorRole: string; action: string; status: string | null; note: string | null }[];
}

describe('feedback through the edge and the gateway', () => {
  let kit: BookingKit;
  let edge: RunningEdge;
  let timer: DeadlineTimer;
  let offset = 0;
  const tokens = new Map<string, string | undefined>();
  const who: Record<string, Caller> = {
    citizen: { role: 'citizen', sub: 'citizen-a' },
    other: { role: 'citizen', sub: 'citizen-b' },
    miroto: { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO },
    bandarharjo: { role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO },
    admin: { role: 'admin', sub: 'dinkes-1' },
    partner: { role: 'partner', sub: 'bappeda' },
    anonymous: {},
  };
  const as = async <T = Record<string, unknown>>(
    name: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResponse<T>> => {
    if (!tokens.has(name)) tokens.set(name, await kit.token(who[name]!));
    return gql<T>(edge.url, query, variables, { token: tokens.get(name) });
  };
  const ok = async <T>(name: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await as<T>(name, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;
  const submit = (name: string, input: Record<string, unknown>) =>
    ok<{ submitComplaint: ComplaintView }>(name, SUBMIT, { i: input }).then((d) => d.submitComplaint);
  const waiting = {
    subjectType: 'FACILITY',
    facilityId: MIROTO,
    category: 'WAITING_TIME',
    description: 'Saya menunggu tiga jam di ruang tunggu tanpa kejelasan antrean.',
  };
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };

  beforeAll(async () => {
    kit = await BookingKit.start('feedback');
    edge = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(kit.platform.gatewayUrl).origin, LOG_LEVEL: 'silent' })),
    );
    const runtime = kit.platform.services.feedback.runtime;
    // The injectable clock: the service's deadlines and the timer read it; tests move it forward.
    feedbackSettings(runtime).clock.now = () => new Date(Date.now() + offset);
    timer = new DeadlineTimer(runtime.orm, feedbackSettings(runtime), runtime.logger);
  });
  afterEach(() => {
    offset = 0;
  });
  afterAll(async () => {
    await edge?.close();
    await kit?.close();
  });

  describe('complaints', () => {
    test("a citizen's complaint gets a reference, the SP4N-LAPOR! deadlines, and lands in the facility's queue only", async () => {
      const filed = await submit('citizen', waiting);
      expect(filed).toMatchObject({
        status: 'SUBMITTED',
        category: { code: 'WAITING_TIME', handling: 'DESK' },
        onBehalf: false,
        channel: 'WEB',
      });
      expect(filed.reference).toMatch(/^ADU-\d{6}-[A-Z2-9]{6}$/);
      expect(filed.facility?.name).toMatch(/Miroto/);
      const settings = feedbackSettings(kit.platform.services.feedback.runtime);
      const submitted = new Date(Date.now());
      expect(filed.responseDueAt).toBe(settings.calendar.addWorkingDays(submitted, 3).toISOString());
      expect(filed.resolutionDueAt).toBe(settings.calendar.addWorkingDays(submitted, 14).toISOString());

      const queue = await ok<{ facility: { complaints: { reference: string }[] } }>(
        'miroto',
        `query($id: ID!) { facility(id: $id) { complaints { reference } } }`,
        { id: MIROTO },
      );
      expect(queue.facility.complaints.map((c) => c.reference)).toContain(filed.reference);
      expect(
        code(await as('bandarharjo', `query($f: ID) { complaintQueue(facilityId: $f) { edges { node { id } } } }`, { f: MIROTO })),
      ).toBe('FORBIDDEN');
      const own = await ok<{ complaintQueue: { edges: { node: { reference: string } }[] } }>(
        'bandarharjo',
        `{ complaintQueue { edges { node { reference } } } }`,
      );
      expect(own.complaintQueue.edges.map((e) => e.node).map((c) => c.reference)).not.toContain(filed.reference);
      expect(code(await as('other', `query($id: ID!) { complaint(id: $id) { id } }`, { id: filed.id }))).toBe('FORBIDDEN');
      expect(code(await as('partner', `query($id: ID!) { complaint(id: $id) { id } }`, { id: filed.id }))).toBe('FORBIDDEN');
      expect(code(await as('anonymous', SUBMIT, { i: waiting }))).toBe('UNAUTHENTICATED');
      const mine = await ok<{ myComplaints: { edges: { node: { id: string } }[] } }>(
        'citizen',
        `{ myComplaints { edges { node { id } } } }`,
      );
      expect(mine.myComplaints.edges.map((e) => e.node).map((c) => c.id)).toContain(filed.id);
    });

    test('partners see counts only', async () => {
      const year = inDays(0).slice(0, 4);
      const counts = await ok<{ complaintCounts: { facility: { id: string } | null; status: string; category: string; count: number }[] }>(
        'partner',
        `query($f: Date!, $t: Date!) { complaintCounts(from: $f, to: $t) { facility { id } status category count } }`,
        { f: `${year}-01-01`, t: inDays(1) },
      );
      expect(counts.complaintCounts).toContainEqual({
        facility: { id: MIROTO },
        status: 'SUBMITTED',
        category: 'WAITING_TIME',
        count: expect.any(Number),
      });
      // Both dates are refused by the Date scalar, each in its own error, before the service runs.
      const bad = await as('partner', `{ complaintCounts(from: "yesterday", to: "2026-13-40") { count } }`);
      expect(bad.errors).toHaveLength(2);
      const later = await as('partner', `{ complaintCounts(from: "2026-03-04", to: "2026-03-01") { count } }`);
      expect(later.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    test('every wrong field of a submission at once, in Indonesian and English, without echoing what was typed', async () => {
      const res = await as('citizen', SUBMIT, {
        i: {
          subjectType: 'DOSE',
          facilityId: MIROTO,
          category: 'CLEANLINESS',
          description: `NIK saya ${NIK} ${'x'.repeat(2000)}`,
          attachments: [{ url: 'http://example.org/foto.jpg' }],
        },
      });
      expect(res.errors).toHaveLength(1);
      const ext = res.errors![0]!.extensions!;
      expect(ext.code).toBe('BAD_USER_INPUT');
      expect((ext.fields as { field: string }[]).map((f) => f.field)).toEqual([
        'subjectId',
        'category',
        'description',
        'attachments.0.url',
      ]);
      expect(ext.messageEn).toBeTruthy();
      expect(JSON.stringify(res)).not.toContain(NIK);
      const mine = await ok<{ myComplaints: { edges: { node: { category: { code: string } } }[] } }>(
        'citizen',
        `{ myComplaints { edges { node { category { code } } } } }`,
      );
      expect(mine.myComplaints.edges.map((e) => e.node).map((c) => c.category.code)).not.toContain('CLEANLINESS');
    });

    test("staff enter a complaint on a citizen's behalf (their own facility only); the citizen follows it", async () => {
      const filed = await submit('miroto', { ...waiting, category: 'STAFF_CONDUCT', channel: 'PHONE', citizenAccount: 'citizen-a' });
      expect(filed).toMatchObject({ onBehalf: true, channel: 'PHONE', category: { handling: 'FIELD' } });
      const mine = await ok<{ myComplaints: { edges: { node: { id: string } }[] } }>(
        'citizen',
        `{ myComplaints { edges { node { id } } } }`,
      );
      expect(mine.myComplaints.edges.map((e) => e.node).map((c) => c.id)).toContain(filed.id);
      const elsewhere = await as('bandarharjo', SUBMIT, { i: { ...waiting, channel: 'PHONE' } });
      expect(code(elsewhere)).toBe('FORBIDDEN');
      const noChannel = await as('miroto', SUBMIT, { i: waiting });
      expect(noChannel.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channel' });
    });

    test('submitted → assigned → in progress → resolved → reopened → resolved → closed by the rating', async () => {
      const filed = await submit('citizen', waiting);
      const step = (name: string, mutation: string, vars: Record<string, unknown> = {}) =>
        as<Record<string, ComplaintView>>(
          name,
          `mutation($id: ID!${mutation.includes('$x') ? ', $x: String!' : ''}) { ${mutation} { ${COMPLAINT} } }`,
          {
            id: filed.id,
            ...vars,
          },
        );
      const assigned = (await step('miroto', 'assignComplaint(id: $id, input: { handling: SIMPLE })')).data!.assignComplaint!;
      expect(assigned).toMatchObject({ status: 'ASSIGNED', category: { handling: 'DESK' } });
      expect(assigned.firstResponseAt).not.toBeNull();
      expect(Date.parse(assigned.resolutionDueAt)).toBeLessThan(Date.parse(filed.resolutionDueAt));
      expect(code(await step('bandarharjo', 'startComplaint(id: $id)'))).toBe('FORBIDDEN');
      expect((await step('miroto', 'startComplaint(id: $id)')).data!.startComplaint!.status).toBe('IN_PROGRESS');
      expect(code(await step('miroto', 'startComplaint(id: $id)'))).toBe('CONFLICT');
      await step('miroto', 'replyToComplaint(id: $id, message: $x)', { x: 'Kami sedang menambah petugas pendaftaran.' });
      expect(
        (await step('miroto', 'resolveComplaint(id: $id, resolution: $x)', { x: 'Loket kedua dibuka setiap pagi.' })).data!
          .resolveComplaint!.status,
      ).toBe('RESOLVED');
      expect(code(await step('other', 'reopenComplaint(id: $id, reason: $x)', { x: 'Masih lama' }))).toBe('FORBIDDEN');
      const reopened = (await step('citizen', 'reopenComplaint(id: $id, reason: $x)', { x: 'Hari ini masih menunggu dua jam.' })).data!
        .reopenComplaint!;
      expect(reopened).toMatchObject({ status: 'IN_PROGRESS', reopenedCount: 1 });
      await step('miroto', 'resolveComplaint(id: $id, resolution: $x)', { x: 'Antrean daring dibuka untuk semua layanan.' });
      expect(code(await step('miroto', 'rateComplaint(id: $id, rating: 5)'))).toBe('FORBIDDEN');
      const rated = await as<{ rateComplaint: ComplaintView }>(
        'citizen',
        `mutation($id: ID!) { rateComplaint(id: $id, rating: 4) { ${COMPLAINT} } }`,
        { id: filed.id },
      );
      expect(rated.data!.rateComplaint).toMatchObject({ status: 'CLOSED', rating: 4 });
      expect(rated.data!.rateComplaint.history.map((h) => h.action)).toEqual([
        'SUBMITTED',
        'ASSIGN',
        'START',
        'REPLY',
        'RESOLVE',
        'REOPEN',
        'RESOLVE',
        'RATE',
      ]);
      expect(rated.data!.rateComplaint.history[3]).toMatchObject({
        actorRole: 'health-worker',
        note: 'Kami sedang menambah petugas pendaftaran.',
      });
      expect(code(await as('citizen', `mutation($id: ID!) { rateComplaint(id: $id, rating: 5) { id } }`, { id: filed.id }))).toBe(
        'CONFLICT',
      );
    });

    test('rejected with a reason; reopening is possible within 10 days only', async () => {
      const first = await submit('citizen', waiting);
      const second = await submit('citizen', waiting);
      for (const c of [first, second]) {
        expect(code(await as('miroto', `mutation($id: ID!) { rejectComplaint(id: $id, reason: "") { id } }`, { id: c.id }))).toBe(
          'BAD_USER_INPUT',
        );
        const rejected = await ok<{ rejectComplaint: { status: string } }>(
          'miroto',
          `mutation($id: ID!) { rejectComplaint(id: $id, reason: "Di luar kewenangan puskesmas") { status } }`,
          { id: c.id },
        );
        expect(rejected.rejectComplaint.status).toBe('REJECTED');
      }
      // The window the citizen is shown: 10 calendar days after the decision; nothing to reopen before one.
      const WINDOW = `query($id: ID!) { complaint(id: $id) { status closedAt reopenableUntil } }`;
      const decided = await ok<{ complaint: { closedAt: string; reopenableUntil: string } }>('citizen', WINDOW, { id: second.id });
      expect(Date.parse(decided.complaint.reopenableUntil) - Date.parse(decided.complaint.closedAt)).toBe(10 * DAY);
      expect((await ok<{ complaint: { reopenableUntil: string } }>('miroto', WINDOW, { id: second.id })).complaint.reopenableUntil).toBe(
        decided.complaint.reopenableUntil,
      );
      const fresh = await submit('citizen', waiting);
      expect(
        (await ok<{ complaint: { reopenableUntil: string | null } }>('citizen', WINDOW, { id: fresh.id })).complaint.reopenableUntil,
      ).toBeNull();
      offset = 9 * DAY;
      const reopen = (id: string) =>
        as('citizen', `mutation($id: ID!) { reopenComplaint(id: $id, reason: "Mohon ditinjau ulang") { status reopenableUntil } }`, { id });
      expect((await reopen(first.id)).data).toEqual({ reopenComplaint: { status: 'IN_PROGRESS', reopenableUntil: null } });
      offset = 11 * DAY;
      const late = await reopen(second.id);
      expect(late.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        messageEn: 'A complaint can be reopened within 10 days only',
      });
    });

    test('missed deadlines are escalated once each (complaint.escalated), and an unrated resolution closes after 10 days', async () => {
      const late = await submit('citizen', { ...waiting, subjectType: 'WEBSITE', facilityId: null, category: 'WEBSITE_ERROR' });
      expect(late.facility).toBeNull();
      expect(code(await as('miroto', `mutation($id: ID!) { startComplaint(id: $id) { id } }`, { id: late.id }))).toBe('FORBIDDEN');
      // Nothing is due yet.
      expect((await timer.runOnce(new Date())).escalated).toBe(0);
      // Past the 3 working days of the first response, before the 5 of a simple resolution.
      const afterResponse = new Date(Date.parse(late.responseDueAt) + 60_000);
      expect(Date.parse(late.resolutionDueAt)).toBeGreaterThan(afterResponse.getTime());
      const first = await timer.runOnce(afterResponse);
      expect(first.escalated).toBeGreaterThanOrEqual(1);
      expect((await timer.runOnce(afterResponse)).escalated).toBe(0);
      const seen = await ok<{ complaint: ComplaintView }>('admin', `query($id: ID!) { complaint(id: $id) { ${COMPLAINT} } }`, {
        id: late.id,
      });
      expect(seen.complaint.escalations).toEqual(['FIRST_RESPONSE']);
      expect(seen.complaint.history.at(-1)).toMatchObject({ actorRole: 'system', action: 'ESCALATED_FIRST_RESPONSE' });
      await timer.runOnce(new Date(Date.parse(late.resolutionDueAt) + 60_000));
      const both = await ok<{ complaint: ComplaintView }>('admin', `query($id: ID!) { complaint(id: $id) { escalations } }`, {
        id: late.id,
      });
      expect(both.complaint.escalations).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
      await settle();
      const events = await kit.platform.services.feedback.runtime.events.transport.read(0, ['complaint.escalated'], 1000);
      const mine = events.filter((e) => e.aggregateId === late.id);
      expect(mine.map((e) => (e.payload as { deadline: string }).deadline)).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
      expect(JSON.stringify(mine)).not.toContain('tiga jam');

      await ok('admin', `mutation($id: ID!) { assignComplaint(id: $id) { id } }`, { id: late.id });
      await ok('admin', `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Situs sudah diperbaiki") { id } }`, { id: late.id });
      await timer.runOnce(new Date(Date.now() + 9 * DAY));
      expect(
        (await ok<{ complaint: { status: string } }>('citizen', `query($id: ID!) { complaint(id: $id) { status } }`, { id: late.id }))
          .complaint.status,
      ).toBe('RESOLVED');
      await timer.runOnce(new Date(Date.now() + 11 * DAY));
      expect(
        (await ok<{ complaint: { status: string } }>('citizen', `query($id: ID!) { complaint(id: $id) { status } }`, { id: late.id }))
          .complaint.status,
      ).toBe('CLOSED');
    });
  });

  describe('FAQ', () => {
    test('public and searchable in both languages', async () => {
      const id = await ok<{ faq: { slug: string }[] }>('anonymous', `{ faq(search: "kode slip") { slug } }`);
      expect(id.faq.map((f) => f.slug)).toEqual(['booking-cancel', 'booking-how']);
      const en = await ok<{ faq: { slug: string }[] }>('anonymous', `{ faq(search: "reschedule") { slug } }`);
      expect(en.faq.map((f) => f.slug)).toEqual(['booking-cancel']);
      const wild = await ok<{ faq: { slug: string }[] }>('anonymous', `{ faq(search: "%") { slug } }`);
      expect(wild.faq.length).toBeGreaterThan(0);
      const none = await ok<{ faq: unknown[] }>('anonymous', `{ faq(search: "100%_tidak_ada") { slug } }`);
      expect(none.faq).toEqual([]);
    });

    test('the city office edits it; every save is a version; a stale edit is a conflict', async () => {
      const SAVE = `mutation($i: SaveFaqEntryInput!) { saveFaqEntry(input: $i) { slug version answerEn published } }`;
      const entry = {
        slug: 'booking-how',
        questionId: 'Bagaimana cara mendaftar vaksinasi?',
        questionEn: 'How do I book a vaccination?',
        answerId: 'Pilih fasilitas dan sesi, isi NIK dan data diri, lalu simpan kode slip.',
        answerEn: 'Choose a facility and session, enter your NIK and details, and keep the slip code.',
        published: true,
      };
      expect(code(await as('citizen', SAVE, { i: { ...entry, expectedVersion: 1 } }))).toBe('FORBIDDEN');
      const saved = await ok<{ saveFaqEntry: { version: number } }>('admin', SAVE, { i: { ...entry, expectedVersion: 1 } });
      expect(saved.saveFaqEntry).toMatchObject({ version: 2, answerEn: entry.answerEn });
      const stale = await as('admin', SAVE, { i: { ...entry, expectedVersion: 1 } });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion', currentVersion: 2 });
      const draft = await ok<{ saveFaqEntry: { version: number } }>('admin', SAVE, {
        i: { ...entry, slug: 'hpv-draft', published: false },
      });
      expect(draft.saveFaqEntry.version).toBe(1);
      expect(code(await as('anonymous', `{ faqEntry(slug: "hpv-draft") { slug } }`))).toBe('NOT_FOUND');
      const history = await ok<{ faqEntry: { revisions: { version: number; answerEn: string }[] } }>(
        'admin',
        `{ faqEntry(slug: "booking-how") { revisions { version answerEn } } }`,
      );
      expect(history.faqEntry.revisions.map((r) => r.version)).toEqual([2, 1]);
      expect(code(await as('citizen', `{ faqEntry(slug: "booking-how") { revisions { version } } }`))).toBe('FORBIDDEN');
      const bad = await as('admin', SAVE, {
        i: { slug: 'Bad Slug', questionId: 'a', questionEn: 'b', answerId: 'c', answerEn: 'd', published: true },
      });
      expect((bad.errors?.[0]?.extensions?.fields as unknown[]).length).toBe(5);
    });
  });

  describe('satisfaction survey (SKM)', () => {
    const ALL_FOUR = {
      requirements: 4,
      procedure: 4,
      completionTime: 4,
      cost: 4,
      serviceProduct: 4,
      staffCompetence: 4,
      staffConduct: 4,
      complaintHandling: 4,
      facilities: 4,
    };
    const complete = async (appointmentId: string, facilityId = MIROTO): Promise<void> => {
      // booking's appointment.completed, as booking publishes it when the visit is done.
      const payload: AppointmentPayload = {
        appointmentId,
        sessionId: randomUUID(),
        slotId: randomUUID(),
        facilityId,
        programme: 'COVID19',
        productCode: 'PFIZER',
        doseKind: 'BOOSTER_1',
        sessionDate: inDays(0),
        status: 'COMPLETED',
        nikHash: null,
        walkIn: false,
      };
      await kit.platform.services.booking.runtime.orm.em
        .fork()
        .transactional((tx) => publish(tx, 'booking', AppointmentCompleted, appointmentId, payload));
      await settle();
    };

    /** The link's token as the visitor is given it (the database keeps only its hash). */
    const linkOf = async (appointmentId: string): Promise<string> => {
      const runtime = kit.platform.services.feedback.runtime;
      const invitation = await runtime.orm.em.fork().findOneOrFail(SurveyInvitationEntity, { appointmentId });
      return surveyToken(feedbackSettings(runtime).surveyKey, invitation.id);
    };

    test('one invitation per completed visit, on Appointment.survey; one answer per visit; staff never answer', async () => {
      await kit.usableStock(MIROTO, 'PFIZER', 100);
      const session = await kit.createSession({ facilityId: MIROTO, date: inDays(2), capacity: 5 });
      const booked = await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id }, who.citizen);
      const appointmentId = booked.data!.bookAppointment.id;
      const MINE = `{ myAppointments { edges { node { id survey { id answered token visitDate } } } } }`;
      const before = await ok<{ myAppointments: { edges: { node: { id: string; survey: unknown } }[] } }>('citizen', MINE);
      expect(before.myAppointments.edges.map((e) => e.node).find((a) => a.id === appointmentId)?.survey).toBeNull();
      await complete(appointmentId);
      await complete(appointmentId);
      const after = await ok<{ myAppointments: { edges: { node: { id: string; survey: { answered: boolean; token: string } } }[] } }>(
        'citizen',
        MINE,
      );
      const survey = after.myAppointments.edges.map((e) => e.node).find((a) => a.id === appointmentId)!.survey;
      expect(survey).toMatchObject({ answered: false, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      // Past the link's 30 days the visit still shows its survey, but no longer hands out the link.
      offset = 31 * DAY;
      const late = await ok<{ myAppointments: { edges: { node: { id: string; survey: { token: string | null } } }[] } }>('citizen', MINE);
      expect(late.myAppointments.edges.map((e) => e.node).find((a) => a.id === appointmentId)!.survey).toMatchObject({ token: null });
      offset = 0;
      const ANSWER = `mutation($i: AnswerSurveyInput!) { answerSurvey(input: $i) { invitationId } }`;
      expect(code(await as('miroto', ANSWER, { i: { token: survey.token, ...ALL_FOUR } }))).toBe('FORBIDDEN');
      const bad = await as('citizen', ANSWER, { i: { token: survey.token, ...ALL_FOUR, cost: 0, facilities: 5 } });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'answers.cost' });
      expect((bad.errors?.[0]?.extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual([
        'answers.cost',
        'answers.facilities',
      ]);
      expect((await as('citizen', ANSWER, { i: { token: survey.token, ...ALL_FOUR, completionTime: 2 } })).errors).toBeUndefined();
      expect(code(await as('citizen', ANSWER, { i: { token: survey.token, ...ALL_FOUR } }))).toBe('DUPLICATE');
      const done = await ok<{ myAppointments: { edges: { node: { id: string; survey: { answered: boolean; token: string | null } } }[] } }>(
        'citizen',
        MINE,
      );
      expect(done.myAppointments.edges.map((e) => e.node).find((a) => a.id === appointmentId)!.survey).toMatchObject({
        answered: true,
        token: null,
      });
    });

    test('the index per facility and city: every number for the city office, suppressed small counts for partners', async () => {
      // A second answered visit at Bandarharjo (all 4) next to Miroto's (all 4 but waiting time 2).
      const other = randomUUID();
      await complete(other, BANDARHARJO);
      const token = await linkOf(other);
      await ok('anonymous', `mutation($i: AnswerSurveyInput!) { answerSurvey(input: $i) { invitationId } }`, { i: { token, ...ALL_FOUR } });

      const INDEX = `responses value band bandName suppressed elements { code average }`;
      const FACILITY = `query($id: ID!) { facility(id: $id) { name satisfaction { ${INDEX} } } }`;
      const admin = await ok<{
        facility: { satisfaction: { responses: number; value: number; band: string; elements: { code: string; average: number }[] } };
      }>('admin', FACILITY, { id: MIROTO });
      // (8 × 4 + 2) / 9 = 3.7778; × 25 = 94.44: A (sangat baik)
      expect(admin.facility.satisfaction).toMatchObject({ responses: 1, value: 94.44, band: 'A', suppressed: false });
      expect(admin.facility.satisfaction.elements.find((e) => e.code === 'U3')?.average).toBe(2);
      const partner = await ok<{ facility: { satisfaction: { suppressed: boolean; responses: number | null; value: number | null } } }>(
        'partner',
        FACILITY,
        { id: MIROTO },
      );
      expect(partner.facility.satisfaction).toMatchObject({ suppressed: true, responses: null, value: null });
      const staff = await ok<{ facility: { satisfaction: { suppressed: boolean; value: number } } }>('miroto', FACILITY, { id: MIROTO });
      expect(staff.facility.satisfaction).toMatchObject({ suppressed: false, value: 94.44 });

      const CITY = `{ citySatisfaction { city { ${INDEX} } facilities { facility { id name } satisfaction { suppressed value } } } }`;
      const city = await ok<{
        citySatisfaction: {
          city: { responses: number; value: number };
          facilities: { facility: { id: string; name: string }; satisfaction: { value: number } }[];
        };
      }>('admin', CITY);
      expect(city.citySatisfaction.city).toMatchObject({ responses: 2, value: 97.22, band: 'A' });
      expect(city.citySatisfaction.facilities.map((f) => f.facility.id).sort()).toEqual([MIROTO, BANDARHARJO].sort());
      expect(city.citySatisfaction.facilities.every((f) => f.facility.name.length > 0)).toBe(true);
      const hidden = await ok<{
        citySatisfaction: { city: { suppressed: boolean }; facilities: { satisfaction: { suppressed: boolean } }[] };
      }>('partner', CITY);
      expect(hidden.citySatisfaction.city.suppressed).toBe(true);
      expect(hidden.citySatisfaction.facilities.every((f) => f.satisfaction.suppressed)).toBe(true);
    });

    test('/survey/<token>: anyone holding the link answers once, without an account; used, unknown and expired links change nothing', async () => {
      const visit = randomUUID();
      await complete(visit, BANDARHARJO);
      const token = await linkOf(visit);
      const runtime = kit.platform.services.feedback.runtime;
      // Only the hash is stored: no column of the invitation holds the token.
      const stored = await runtime.orm.em
        .fork()
        .getConnection()
        .execute(`select * from survey_invitation where appointment_id = ?`, [visit]);
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(stored[0]).not.toHaveProperty('token');

      const LINK = `query($t: String!) { surveyLink(token: $t) { facility { id name } visitDate expiresAt } }`;
      const ANSWER = `mutation($i: AnswerSurveyInput!) { answerSurvey(input: $i) { invitationId } }`;
      const link = await ok<{ surveyLink: { facility: { id: string; name: string }; visitDate: string; expiresAt: string } }>(
        'anonymous',
        LINK,
        { t: token },
      );
      expect(link.surveyLink).toMatchObject({ facility: { id: BANDARHARJO }, visitDate: inDays(0) });
      expect(link.surveyLink.facility.name.length).toBeGreaterThan(0);
      expect(Date.parse(link.surveyLink.expiresAt) - Date.now()).toBeGreaterThan(29 * DAY);

      const responses = async (): Promise<number> =>
        (await ok<{ citySatisfaction: { city: { responses: number } } }>('admin', `{ citySatisfaction { city { responses } } }`))
          .citySatisfaction.city.responses;
      const before = await responses();
      const unknown = await as('anonymous', ANSWER, { i: { token: token.slice(1) + 'A', ...ALL_FOUR } });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({
        code: 'NOT_FOUND',
        field: 'token',
        messageEn: 'This survey link is not known; check the link',
      });
      expect(unknown.errors?.[0]?.message).toBe('Tautan survei tidak dikenal; periksa kembali tautannya');
      expect(code(await as('anonymous', LINK, { t: 'not-a-token' }))).toBe('NOT_FOUND');

      expect((await as('anonymous', ANSWER, { i: { token, ...ALL_FOUR, cost: 3 } })).errors).toBeUndefined();
      expect(await responses()).toBe(before + 1);
      const again = await as('anonymous', ANSWER, { i: { token, ...ALL_FOUR, cost: 1 } });
      expect(again.errors?.[0]?.extensions).toMatchObject({
        code: 'DUPLICATE',
        field: 'token',
        messageEn: 'This visit has been rated already',
      });
      expect(again.errors?.[0]?.message).toBe('Survei kunjungan ini sudah diisi');
      expect(code(await as('anonymous', LINK, { t: token }))).toBe('DUPLICATE');
      expect(await responses()).toBe(before + 1);
      // What the city office reads is counts and averages: no visit, no token, no person.
      const admin = await ok<{ facility: { satisfaction: Record<string, unknown> } }>(
        'admin',
        `query($id: ID!) { facility(id: $id) { satisfaction { responses elements { code average } } } }`,
        { id: BANDARHARJO },
      );
      expect(JSON.stringify(admin)).not.toContain(visit);

      // Past its 30 days a link is refused and changes nothing.
      const late = randomUUID();
      await complete(late, BANDARHARJO);
      const lateToken = await linkOf(late);
      offset = 31 * DAY;
      const expired = await as('anonymous', ANSWER, { i: { token: lateToken, ...ALL_FOUR } });
      expect(expired.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        field: 'token',
        reason: 'EXPIRED',
        messageEn: 'This survey link has expired',
      });
      expect(expired.errors?.[0]?.message).toBe('Tautan survei ini sudah kedaluwarsa');
      expect(code(await as('anonymous', LINK, { t: lateToken }))).toBe('CONFLICT');
      expect(await responses()).toBe(before + 1);
      offset = 0;
      expect((await ok<{ surveyLink: { visitDate: string } }>('anonymous', LINK, { t: lateToken })).surveyLink.visitDate).toBe(inDays(0));
    });
  });
});
