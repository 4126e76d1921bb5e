import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { encode } from 'uqr';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env } from '@victori/shared';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { BANDARHARJO, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { localNow } from '../../../services/booking/src/time.js';
import { startTestPlatform, type TestPlatform } from '../testing.js';

/**
 * The health workers' desk (issue 19 items 1 and 2) in Debian's Chromium, against the real platform (all
 * subgraphs on PostgreSQL, events running) behind an edge serving web/dist, on a tablet-sized screen: a
 * posyandu morning partly online, partly offline (context.setOffline), with a sign-out and a browser
 * restart in between, then back online; the server's records are read back one by one. Screenshots go to
 * web/test-results/.
 */
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'web/test-results');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CHROMIUM = '/usr/bin/chromium';
const CITY_STORE = '6f1c2a10-0000-4000-8000-000000000001';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TABLET = { width: 1024, height: 768 };

/**
 * A camera that sees a slip's QR code: one 640×480 frame in Y4M (Chromium's fake capture device loops it),
 * black modules on white, 10 pixels per module, centred.
 */
function qrCamera(text: string, file: string): string {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  const [w, h, scale] = [640, 480, 10];
  const y = Buffer.alloc(w * h, 255);
  const [x0, y0] = [Math.floor((w - size * scale) / 2), Math.floor((h - size * scale) / 2)];
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (data[r]![c])
        for (let dy = 0; dy < scale; dy++)
          y.fill(0, (y0 + r * scale + dy) * w + x0 + c * scale, (y0 + r * scale + dy) * w + x0 + (c + 1) * scale);
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma]));
  return file;
}

async function axe(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } };
    const r = await w.axe.run();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Polls until `check` holds (events between subgraphs take a moment on a loaded machine). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

interface DoseRow {
  id: string;
  doseKind: string;
  lotNumber: string;
  status: string;
  clientRecordId: string | null;
  vaccinatorName: string | null;
  supersedesId: string | null;
}

describe('the health-worker desk in a real browser, online and offline', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  let origin: string;
  let browser: Browser;
  let admin: string;
  const pageErrors: string[] = [];
  const people: Record<string, ReturnType<typeof person> & { slip: string; appointmentId: string; personId?: string }> = {};
  let morning: { id: string; slots: { id: string }[] };
  let early: { id: string; slots: { id: string }[] };
  const children: Record<string, ReturnType<typeof person> & { personId: string }> = {};

  const call = async <T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) => {
    const res: GraphQLResponse<T> = await gql<T>(platform.gatewayUrl, query, variables, { token });
    return res;
  };
  const must = async <T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await call<T>(token, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const doses = async (personId: string): Promise<DoseRow[]> =>
    (
      await must<{ doseRecords: { edges: { node: DoseRow }[] } }>(
        admin,
        `query($p: ID!) { doseRecords(personId: $p, includeSuperseded: true) { edges { node { id doseKind lotNumber status clientRecordId vaccinatorName supersedesId } } } }`,
        { p: personId },
      )
    ).doseRecords.edges.map((e) => e.node);
  const appointmentStatus = async (slip: string): Promise<string> => {
    const rows = await platform.services.booking.runtime.orm.em
      .fork()
      .execute<{ status: string }[]>(`select status from appointment where slip_code = ?`, [slip]);
    return rows[0]!.status;
  };
  const watch = (page: Page): Page => {
    page.on('pageerror', (error) => pageErrors.push(`${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}`.trim()));
    return page;
  };
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const signIn = async (page: Page, username: string, password: string): Promise<void> => {
    await page.goto(`${origin}/staff`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /masuk sebagai|signed in/i })
      .waitFor();
  };
  const openDesk = async (page: Page, path = '/desk'): Promise<void> => {
    await page.goto(`${origin}${path}`);
    await page.locator('h1').filter({ hasText: 'Meja layanan' }).waitFor();
  };
  const row = (page: Page, key: string) => page.locator(`[data-testid=day-row][data-slip="${people[key]!.slip}"]`);
  const openBySlip = async (page: Page, key: string): Promise<void> => {
    await page.fill('#slip', people[key]!.slip.toLowerCase());
    await page.keyboard.press('Enter');
    await page.getByTestId('person').filter({ hasText: people[key]!.fullName }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    platform = await startTestPlatform('desk', {
      background: true,
      serviceEnv: { BOOKING_RATE_PER_IP: '0', BOOKING_RATE_PER_NIK: '0' },
      gatewayEnv: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' },
    });
    admin = await platform.token({ role: 'admin', sub: 'admin-desk' });
    const miroto = await platform.token({ role: 'health-worker', sub: 'hw-miroto-2', facilityId: MIROTO });
    // Two Pfizer lots at Miroto: the one expiring first is the FEFO suggestion.
    for (const [lotNumber, days] of [
      ['PF-LATE-01', 200],
      ['PF-EARLY-01', 60],
    ] as const) {
      const received = await must<{ receiveStock: { lot: { id: string } } }>(
        admin,
        `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
        { i: { productCode: 'PFIZER', lotNumber, expiryDate: inDays(days), doses: 100 } },
      );
      await must(admin, `mutation($i: TransferStockInput!) { transferStock(input: $i) { entries { quantity } } }`, {
        i: { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: received.receiveStock.lot.id, doses: 100 },
      });
    }
    // BCG for the kelurahan's babies (the due list).
    const bcg = await must<{ receiveStock: { lot: { id: string } } }>(
      admin,
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
      { i: { productCode: 'BCG', lotNumber: 'BCG-01', expiryDate: inDays(120), doses: 40 } },
    );
    await must(admin, `mutation($i: TransferStockInput!) { transferStock(input: $i) { entries { quantity } } }`, {
      i: { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: bcg.receiveStock.lot.id, doses: 40 },
    });
    // Babies registered by the city office (not linked to Miroto by any visit): Hana lives in Miroto's
    // kelurahan and is due BCG; Joko, as old, lives in Bandarharjo's and is not Miroto's to see.
    for (const [key, kelurahan] of [
      ['hana', '33.74.01.1001'],
      ['joko', '33.74.02.1001'],
    ] as const) {
      const p = { ...person({ birthDate: inDays(-45) }), residenceKelurahanCode: kelurahan };
      const r = await must<{ registerPerson: { id: string } }>(
        admin,
        `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
        { i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode } },
      );
      children[key] = { ...p, personId: r.registerPerson.id };
    }
    const session = async (startTime: string, endTime: string, slotMinutes = 30) =>
      (
        await eventually(
          () =>
            call<{ createSession: { session: { id: string; slots: { id: string }[] } } }>(
              admin,
              `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id slots { id } } } }`,
              {
                i: {
                  facilityId: MIROTO,
                  date: inDays(1),
                  startTime,
                  endTime,
                  slotMinutes,
                  capacity: 10,
                  productCode: 'PFIZER',
                  doseKinds: ['PRIMARY_1', 'PRIMARY_2', 'BOOSTER_1'],
                },
              },
            ),
          (r) => !r.errors,
          'a session',
        )
      ).data!.createSession.session;
    morning = await session('08:00', '09:00');
    // The shortest session there is (5 minutes), just after midnight in Semarang: over by the time the desk
    // marks its no-shows, except in the first minutes of the day, when the test waits for its end (booking's
    // rule is the city's clock; the test does not change it).
    early = await session('00:00', '00:05', 5);
    const book = async (key: string, slotId: string, birthDate: string): Promise<void> => {
      const p = person({ birthDate });
      const res = await eventually(
        () =>
          call<{ bookAppointment: { id: string; slipCode: string } }>(
            admin,
            `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id slipCode } }`,
            { i: { ...p, doseKind: 'PRIMARY_1', slotId } },
          ),
        (r) => !r.errors,
        `booking ${key}`,
      );
      people[key] = { ...p, slip: res.data!.bookAppointment.slipCode, appointmentId: res.data!.bookAppointment.id };
    };
    await book('ani', morning.slots[0]!.id, '1980-01-11');
    await book('budi', morning.slots[0]!.id, '1981-02-12');
    await book('citra', morning.slots[1]!.id, '1982-03-13');
    await book('dewi', morning.slots[1]!.id, '1983-04-14');
    await book('eko', morning.slots[1]!.id, '1984-05-15');
    await book('fajar', early.slots[0]!.id, '1985-06-16');
    // In the registry: everyone but Eko, whom the desk registers from his ID card.
    for (const key of ['ani', 'budi', 'citra', 'dewi', 'fajar']) {
      const p = people[key]!;
      const r = await must<{ registerPerson: { id: string } }>(
        miroto,
        `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
        { i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode } },
      );
      p.personId = r.registerPerson.id;
    }
    // The immunization registry has the appointments from booking's events; then the morning is today.
    const imm = () => platform.services.immunization.runtime.orm.em.fork();
    await eventually(
      () => imm().execute<{ n: string }[]>(`select count(*) as n from facility_appointment where facility_id = ?`, [MIROTO]),
      (r) => Number(r[0]!.n) >= 6,
      'appointments in the registry',
    );
    const today = inDays(0);
    for (const s of [morning.id, early.id]) {
      await platform.services.booking.runtime.orm.em.fork().execute(`update session set date = ?::date where id = ?`, [today, s]);
      await platform.services.booking.runtime.orm.em
        .fork()
        .execute(`update appointment set session_date = ?::date where session_id = ?`, [today, s]);
    }
    await imm().execute(`update facility_appointment set session_date = ?::date where id in (?)`, [
      today,
      Object.values(people).map((p) => p.appointmentId),
    ]);
    await must(admin, `mutation($i: CreateStaffAccountInput!) { createStaffAccount(input: $i) { id } }`, {
      i: {
        username: 'nakes.bandarharjo',
        password: 'bandarharjo-dev-password',
        role: 'HEALTH_WORKER',
        facilityId: BANDARHARJO,
        displayName: 'Nakes Bandarharjo',
      },
    });
    // Miroto's vaccinators: the desk offers them from the downloaded list.
    await must(admin, `mutation($i: CreateStaffAccountInput!) { createStaffAccount(input: $i) { id } }`, {
      i: { username: 'bidan.sari', password: 'bidan-sari-password', role: 'HEALTH_WORKER', facilityId: MIROTO, displayName: 'Bidan Sari' },
    });

    edge = await startEdge(
      loadEdgeConfig(
        new Env({ EDGE_PUBLIC_CACHE_MS: '0', EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin, LOG_LEVEL: 'silent' }),
      ),
    );
    origin = new URL(edge.url).origin;
    // This browser's camera shows Fajar's slip (the QR code on the confirmation page and the printed slip).
    const camera = qrCamera(people.fajar!.slip, join(mkdtempSync(join(tmpdir(), 'victori-qr-')), 'slip.y4m'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...ARGS,
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await edge?.close();
    await platform?.close();
  });

  test('a posyandu morning: online, offline (sign-out, reload, browser restart), online again; every record checked on the server', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'victori-desk-'));
    const launch = (): Promise<BrowserContext> =>
      chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: TABLET, locale: 'id-ID' });
    let context = await launch();
    try {
      let page = watch(context.pages()[0] ?? (await context.newPage()));
      await signIn(page, 'nakes.miroto', 'nakes-dev-password');
      // Signed in, the health worker is one link away from the desk (header and sign-in page).
      expect(await page.getByRole('navigation').getByRole('link', { name: 'Meja layanan' }).count()).toBe(1);
      await page.getByRole('link', { name: 'Buka meja layanan' }).click();
      await page.locator('h1').filter({ hasText: 'Meja layanan' }).waitFor();
      await page.getByTestId('day-list').waitFor();
      expect(await page.getByTestId('day-row').count()).toBe(6);
      // The kelurahan's babies with doses due came with the day: Hana (BCG due), not Joko of another kelurahan.
      await page.getByTestId('due-list').waitFor();
      const hanaRow = page.locator(`[data-testid=due-row][data-person="${children.hana!.personId}"]`);
      expect(await hanaRow.getByTestId('due-doses').textContent()).toContain('BCG');
      expect(await page.getByTestId('due-list').textContent()).not.toContain(children.joko!.fullName);
      // The shell is kept for offline use before the worker leaves.
      // Runs in the page; the platform's typecheck has no DOM types.
      const ready = () =>
        (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }).navigator.serviceWorker.ready.then(
          () => true,
        );
      expect(await page.evaluate(ready)).toBe(true);
      await shot(page, 'desk-01-day-list');
      await axe(page, 'desk day list');

      // Ani: slip code typed (any case), check-in, the FEFO lot offered first, the vaccinator typed.
      await openBySlip(page, 'ani');
      expect(await page.getByTestId('person').getAttribute('data-step')).toBe('check-in');
      expect(await page.inputValue('#verify-slip')).toBe(people.ani!.slip);
      await page.getByRole('button', { name: 'Catat hadir' }).click();
      await page.getByTestId('dose-form').waitFor();
      expect(await page.inputValue('#lot')).toBe('PF-EARLY-01');
      expect(await page.locator('#lot option').first().textContent()).toContain('FEFO');
      // The vaccinator is one of Miroto's health workers, from the downloaded list.
      expect(await page.locator('#vaccinator option').allTextContents()).toEqual(['Bidan Sari', 'Nakes Puskesmas Miroto (development)']);
      await page.selectOption('#vaccinator', 'Bidan Sari');
      await shot(page, 'desk-02-dose-entry');
      await axe(page, 'desk dose entry');
      await page.getByRole('button', { name: 'Catat dosis' }).click();
      await page.locator(`[data-testid=entry][data-state=saved]`).filter({ hasText: people.ani!.fullName }).waitFor();

      // Budi: from the list by keyboard; lot and vaccinator are remembered for Pfizer.
      await row(page, 'budi').getByRole('button').focus();
      await page.keyboard.press('Enter');
      await page.fill('#verify-slip', people.budi!.slip);
      await page.keyboard.press('Enter');
      await page.getByTestId('dose-form').waitFor();
      expect(await page.inputValue('#lot')).toBe('PF-EARLY-01');
      expect(await page.inputValue('#vaccinator')).toBe('Bidan Sari');
      // Budi's entry reaches the server but the answer is lost on the way back (the posyandu's signal drops):
      // the entry stays waiting, is sent again by itself, and the server replays it: one record, not two.
      let lost = 0;
      let firstAnswer: string | undefined;
      await page.route('**/graphql', async (route) => {
        const body = route.request().postDataJSON() as { operationName?: string } | null;
        if (lost > 0 || body?.operationName !== 'DeskRecordDose') return route.fallback();
        lost += 1;
        const answer = (await (await route.fetch()).json()) as { data?: { recordDose?: { id: string } } };
        firstAnswer = answer.data?.recordDose?.id;
        await route.abort('connectionreset');
      });
      await page.getByRole('button', { name: 'Catat dosis' }).click();
      await page.locator(`[data-testid=entry][data-state=waiting]`).filter({ hasText: people.budi!.fullName }).waitFor();
      await page.locator(`[data-testid=entry][data-state=saved]`).filter({ hasText: people.budi!.fullName }).waitFor();
      expect(lost).toBe(1);
      await page.unrouteAll({ behavior: 'wait' });

      // The network goes: Citra and Dewi are checked in and vaccinated on the device.
      await context.setOffline(true);
      await page.getByTestId('network').filter({ hasText: 'Luring' }).waitFor();
      for (const key of ['citra', 'dewi']) {
        await openBySlip(page, key);
        await page.getByRole('button', { name: 'Catat hadir' }).click();
        await page.getByTestId('dose-form').waitFor();
        await page.getByRole('button', { name: 'Catat dosis' }).click();
        await page
          .locator(`[data-testid=entry][data-state=waiting]`)
          .filter({ hasText: people[key]!.fullName })
          .waitFor()
          .catch(async (e: unknown) => {
            await shot(page, 'failed-offline-entry');
            console.log(await page.locator('#main').innerText());
            throw e;
          });
      }
      // Hana, from the due list (no appointment): BCG with the downloaded BCG lot and a listed vaccinator.
      await hanaRow.getByRole('button', { name: children.hana!.fullName }).click();
      await page.getByTestId('due-form').waitFor();
      await page.selectOption('#due-dose', 'BCG');
      expect(await page.inputValue('#due-lot')).toBe('BCG-01');
      await shot(page, 'desk-03a-due-child-offline');
      await axe(page, 'desk due child');
      await page.selectOption('#vaccinator', 'Bidan Sari');
      await page.getByTestId('due-form').getByRole('button', { name: 'Catat dosis' }).click();
      await page.locator(`[data-testid=entry][data-state=waiting]`).filter({ hasText: children.hana!.fullName }).waitFor();
      expect(await hanaRow.getByTestId('due-doses').textContent()).not.toContain('BCG');
      // Meanwhile another health worker recorded Dewi's dose on their own device (which had network).
      const other = await platform.token({ role: 'health-worker', sub: 'hw-miroto-3', facilityId: MIROTO });
      const elsewhere = await must<{ recordDose: { id: string } }>(
        other,
        `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`,
        {
          i: {
            personId: people.dewi!.personId,
            programme: 'COVID19',
            doseKind: 'PRIMARY_1',
            productCode: 'PFIZER',
            lotNumber: 'PF-LATE-01',
            administeredAt: new Date(Date.now() - 60_000).toISOString(),
            vaccinatorName: 'Bidan Rina',
          },
        },
      );
      // ... and Hana's BCG, with the same lot, a few minutes before the posyandu's entry.
      const hanaElsewhere = await must<{ recordDose: { id: string } }>(
        other,
        `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`,
        {
          i: {
            personId: children.hana!.personId,
            programme: 'ROUTINE_CHILD',
            doseKind: 'BCG',
            productCode: 'BCG',
            lotNumber: 'BCG-01',
            administeredAt: new Date(Date.now() - 300_000).toISOString(),
            vaccinatorName: 'Bidan Rina',
          },
        },
      );
      // Meanwhile Citra's family cancelled her booking from home (the app, with NIK and slip); she came anyway.
      const cancelled = await call(
        '',
        `mutation($id: ID!, $v: AppointmentVerificationInput) { cancelAppointment(id: $id, verification: $v) { status } }`,
        { id: people.citra!.appointmentId, v: { nik: people.citra!.nik, slipCode: people.citra!.slip } },
      );
      expect(cancelled.errors).toBeUndefined();
      await eventually(
        () =>
          platform.services.immunization.runtime.orm.em
            .fork()
            .execute<{ status: string }[]>(`select status from facility_appointment where id = ?`, [people.citra!.appointmentId]),
        (r) => r[0]?.status === 'CANCELLED',
        "Citra's cancellation in the registry",
      );
      expect(await page.getByTestId('pending').textContent()).toContain('3 akan dikirim');
      await shot(page, 'desk-03-offline-entries');
      await axe(page, 'desk offline');

      // Every sign-out with unsent entries warns: the desk's (the worker stays) ...
      await page.locator('#main').getByRole('button', { name: 'Keluar', exact: true }).click();
      await page.getByTestId('signout-warning').waitFor();
      expect(await page.getByTestId('signout-warning').textContent()).toContain('3 catatan belum terkirim');
      await shot(page, 'desk-04-signout-warning');
      await page.getByTestId('signout-warning').getByRole('button', { name: 'Tetap masuk' }).click();
      expect(await page.getByTestId('signout-warning').count()).toBe(0);
      // ... and the header's; signing out there keeps the entries on the device too.
      await page.getByTestId('sign-out').click();
      const headerWarning = page.getByTestId('header-signout-warning');
      await headerWarning.waitFor();
      expect(await headerWarning.textContent()).toContain('3 catatan meja layanan belum terkirim');
      await axe(page, 'header sign-out warning');
      await headerWarning.getByRole('button', { name: 'Keluar; simpan catatan di perangkat ini' }).click();
      await page.getByTestId('sign-in-to-send').filter({ hasText: '3 catatan menunggu' }).waitFor();
      expect(await page.locator('[data-testid=entry][data-state=waiting]').count()).toBe(3);

      // A reload offline: the shell comes from the service worker, the day and the entries from IndexedDB.
      const reloaded = await page.reload();
      expect(reloaded?.fromServiceWorker()).toBe(true);
      await page.getByTestId('day-list').waitFor();
      expect(await page.locator('[data-testid=entry][data-state=waiting]').count()).toBe(3);
      expect(await page.getByTestId('sign-in-to-send').textContent()).toContain('3 catatan menunggu');
      expect(await page.getByTestId('due-row').count()).toBe(1);

      // The browser is closed and opened again, still without network: nothing is lost.
      await context.close();
      context = await launch();
      await context.setOffline(true);
      page = watch(context.pages()[0] ?? (await context.newPage()));
      await page.goto(`${origin}/desk`);
      await page.getByTestId('day-list').waitFor();
      expect(await page.locator('[data-testid=entry][data-state=waiting]').count()).toBe(3);
      expect(await page.locator('[data-testid=entry][data-state=saved]').count()).toBe(2);

      // Online, a Bandarharjo worker signs in on this tablet: Miroto's desk is refused and Miroto's entries
      // are not sent under their name.
      await context.setOffline(false);
      await signIn(page, 'nakes.bandarharjo', 'bandarharjo-dev-password');
      await openDesk(page, `/desk/${MIROTO}`);
      await page.getByTestId('refusal').waitFor();
      expect(await page.getByTestId('day-row').count()).toBe(0);
      await openDesk(page);
      await page.getByTestId('day-empty').waitFor();
      expect(await doses(people.citra!.personId!)).toEqual([]);
      expect((await doses(children.hana!.personId)).map((d) => d.id)).toEqual([hanaElsewhere.recordDose.id]);

      // Back online and signed in: the waiting entries go; Dewi's is a conflict shown with both records.
      await signIn(page, 'nakes.miroto', 'nakes-dev-password');
      await openDesk(page);
      // Hana's BCG was recorded by the other worker too: this time the posyandu's record is the right one (the
      // other was typed from memory), so the worker corrects the other record with theirs.
      const hanaConflict = page.locator('[data-testid=entry][data-state=conflict]').filter({ hasText: children.hana!.fullName });
      await hanaConflict.waitFor();
      expect(await hanaConflict.locator('table').textContent()).toContain('Bidan Rina');
      await hanaConflict.getByRole('button', { name: 'Catatan saya benar: koreksi yang ada' }).click();
      await page.locator('[data-testid=entry][data-state=resolved]').filter({ hasText: children.hana!.fullName }).waitFor();
      // Citra's entry names a booking that is cancelled now: it needs correction, and is recorded without it.
      const needsFix = page.locator('[data-testid=entry][data-state=needs-correction]').filter({ hasText: people.citra!.fullName });
      await needsFix.waitFor();
      expect(await needsFix.getByTestId('needs-correction').textContent()).toContain('CANCELLED');
      await shot(page, 'desk-05a-needs-correction');
      await needsFix.getByRole('button', { name: 'Catat tanpa janji temu (dosis tetap diberikan)' }).click();
      await page.locator('[data-testid=entry][data-state=saved]').filter({ hasText: people.citra!.fullName }).waitFor();
      const conflict = page.locator('[data-testid=entry][data-state=conflict]').filter({ hasText: people.dewi!.fullName });
      await conflict.waitFor();
      const compare = await conflict.locator('table').textContent();
      expect(compare).toContain('PF-EARLY-01');
      expect(compare).toContain('PF-LATE-01');
      expect(compare).toContain('Bidan Rina');
      await shot(page, 'desk-05-conflict');
      await axe(page, 'desk conflict');
      await conflict.getByRole('button', { name: 'Pakai catatan yang ada (buang catatan saya)' }).click();
      await page.locator('[data-testid=entry][data-state=resolved]').filter({ hasText: people.dewi!.fullName }).waitFor();

      // Eko is not in the registry yet: the NIK from his ID card, then the dose.
      await openBySlip(page, 'eko');
      await page.getByRole('button', { name: 'Catat hadir' }).click();
      await page.locator('#register-nik').waitFor();
      await page.fill('#register-nik', people.eko!.nik);
      await page.getByRole('button', { name: 'Daftarkan' }).click();
      await page.getByTestId('dose-form').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Catat dosis' }).click();
      await page.locator('[data-testid=entry][data-state=saved]').filter({ hasText: people.eko!.fullName }).waitFor();

      // Ani's lot was wrong: corrected with a reason; both records stay.
      await openBySlip(page, 'ani');
      await page.getByRole('button', { name: 'Koreksi dosis ini' }).click();
      await page.selectOption('#correct-lot', 'PF-LATE-01');
      await page.fill('#correct-reason', 'Batch salah dibaca dari vial');
      await page.getByRole('button', { name: 'Simpan koreksi' }).click();
      await page.getByTestId('corrected').waitFor();

      // A walk-in: registered and given a place and a slip, checked in at once, then the dose.
      const gita = person({ birthDate: '1990-07-17' });
      await page.locator('summary').filter({ hasText: 'Datang langsung' }).click();
      await page.fill('#wi-nik', gita.nik);
      await page.fill('#wi-name', gita.fullName);
      await page.fill('#wi-birth', gita.birthDate);
      await page.getByTestId('walk-in').getByRole('button', { name: 'Tambah datang langsung' }).click();
      const added = (await page.getByTestId('walk-in-done').textContent())!;
      const gitaSlip = /slip (\w+)/.exec(added)![1]!;
      people.gita = { ...gita, slip: gitaSlip, appointmentId: '' };
      await row(page, 'gita').waitFor();
      await openBySlip(page, 'gita');
      await page.getByTestId('dose-form').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Catat dosis' }).click();
      await page.locator('[data-testid=entry][data-state=saved]').filter({ hasText: gita.fullName }).waitFor();

      // The early session is over: Fajar never came.
      const wib = localNow();
      if (wib.minutes < 5) await new Promise((r) => setTimeout(r, (5 - wib.minutes) * 60_000 + 5_000));
      await page.getByRole('button', { name: 'Catat tidak hadir' }).first().click();
      const noShows = page.getByTestId('no-shows').first();
      await noShows.waitFor();
      expect(await noShows.textContent()).toContain('1 dicatat tidak hadir');
      await shot(page, 'desk-06-end-of-morning');
      await axe(page, 'desk end of morning');

      // The server, person by person.
      const ids = await page.evaluate(() => {
        const doc = (
          globalThis as unknown as {
            document: { querySelectorAll(s: string): Iterable<{ dataset: { id?: string }; textContent: string | null }> };
          }
        ).document;
        return [...doc.querySelectorAll('[data-testid=entry]')].map((e) => ({ id: e.dataset.id!, text: e.textContent ?? '' }));
      });
      const entryId = (key: string): string => ids.find((e) => e.text.includes((people[key] ?? children[key])!.fullName))!.id;
      // Hana: the other worker's BCG is superseded by the posyandu's (a correction with the reason); one active BCG.
      const hana = await doses(children.hana!.personId);
      expect(hana.map((d) => [d.doseKind, d.status]).sort()).toEqual([
        ['BCG', 'ACTIVE'],
        ['BCG', 'SUPERSEDED'],
      ]);
      expect(hana.find((d) => d.status === 'SUPERSEDED')).toMatchObject({ id: hanaElsewhere.recordDose.id, vaccinatorName: 'Bidan Rina' });
      expect(hana.find((d) => d.status === 'ACTIVE')).toMatchObject({ lotNumber: 'BCG-01', supersedesId: hanaElsewhere.recordDose.id });
      const ani = await doses(people.ani!.personId!);
      expect(ani.map((d) => [d.lotNumber, d.status]).sort()).toEqual([
        ['PF-EARLY-01', 'SUPERSEDED'],
        ['PF-LATE-01', 'ACTIVE'],
      ]);
      expect(ani.find((d) => d.status === 'SUPERSEDED')).toMatchObject({ clientRecordId: entryId('ani'), vaccinatorName: 'Bidan Sari' });
      for (const key of ['budi', 'citra']) {
        const list = await doses(people[key]!.personId!);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ doseKind: 'PRIMARY_1', lotNumber: 'PF-EARLY-01', status: 'ACTIVE', clientRecordId: entryId(key) });
      }
      expect((await doses(people.budi!.personId!))[0]).toMatchObject({ id: firstAnswer, vaccinatorName: 'Bidan Sari' });
      // Dewi: only the other worker's record; the offline entry was dropped by the worker, not doubled.
      expect(await doses(people.dewi!.personId!)).toEqual([
        expect.objectContaining({ id: elsewhere.recordDose.id, lotNumber: 'PF-LATE-01' }),
      ]);
      const found = await must<{ findPersons: { id: string }[] }>(admin, `query($n: String) { findPersons(nik: $n) { id } }`, {
        n: people.eko!.nik,
      });
      expect(await doses(found.findPersons[0]!.id)).toEqual([
        expect.objectContaining({ clientRecordId: entryId('eko'), status: 'ACTIVE' }),
      ]);
      const gitaPerson = await must<{ findPersons: { id: string }[] }>(admin, `query($n: String) { findPersons(nik: $n) { id } }`, {
        n: gita.nik,
      });
      expect(await doses(gitaPerson.findPersons[0]!.id)).toHaveLength(1);
      // Citra's dose stands on its own (her booking stays cancelled, as the family left it).
      expect((await doses(people.citra!.personId!))[0]).toMatchObject({ status: 'ACTIVE' });
      expect(await appointmentStatus(people.citra!.slip)).toBe('CANCELLED');
      for (const key of ['ani', 'budi', 'eko', 'gita'])
        await eventually(
          () => appointmentStatus(people[key]!.slip),
          (s) => s === 'COMPLETED',
          `${key} completed`,
        );
      expect(await appointmentStatus(people.fajar!.slip)).toBe('NO_SHOW');
      await page.close();
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 600_000);

  test("a worker of another facility cannot open Miroto's desk: the refusal is shown, nothing is listed", async () => {
    const context = await browser.newContext({ viewport: TABLET, locale: 'id-ID' });
    const page = watch(await context.newPage());
    try {
      await signIn(page, 'nakes.bandarharjo', 'bandarharjo-dev-password');
      await openDesk(page, `/desk/${MIROTO}`);
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Anda tidak dapat membuka meja layanan ini');
      expect(await page.getByTestId('day-row').count()).toBe(0);
      await shot(page, 'desk-07-other-facility');
      await axe(page, 'desk other facility');
      // Their own desk opens (nobody booked at Bandarharjo today), with their own kelurahan's due babies only.
      await openDesk(page);
      await page.getByTestId('day-empty').waitFor();
      await page.getByTestId('due-list').waitFor();
      const due = (await page.getByTestId('due-list').textContent())!;
      expect(due).toContain(children.joko!.fullName);
      expect(due).not.toContain(children.hana!.fullName);
      // Miroto's due children and vaccinators are refused to them and to partners, through the API too.
      const bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo-api', facilityId: BANDARHARJO });
      const partner = await platform.token({ role: 'partner', sub: 'partner-desk' });
      for (const token of [bandarharjo, partner]) {
        for (const query of [
          `query($f: ID!) { dueChildren(facilityId: $f) { personId fullName } }`,
          `query($f: ID!) { facilityVaccinators(facilityId: $f) { id displayName } }`,
        ]) {
          const res = await call(token, query, { f: MIROTO });
          expect(res.data ?? null).toBeNull();
          expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        }
      }
    } finally {
      await context.close();
    }
  });

  test("the slip's QR code held to the tablet's camera opens the person (qr-scanner, the camera asked for only then)", async () => {
    const context = await browser.newContext({ viewport: TABLET, locale: 'id-ID', permissions: ['camera'] });
    const page = watch(await context.newPage());
    try {
      await signIn(page, 'nakes.miroto', 'nakes-dev-password');
      await openDesk(page);
      await page.getByTestId('day-list').waitFor();
      await page.getByRole('button', { name: 'Pindai QR' }).click();
      const opened = page.getByTestId('person').filter({ hasText: people.fajar!.fullName });
      await opened.waitFor({ timeout: 20_000 });
      // The camera is off again once the code is read; Fajar opens at the step his status calls for.
      expect(await page.locator('.scanner video').count()).toBe(0);
      expect(['check-in', 'closed']).toContain(await opened.getAttribute('data-step'));
      await shot(page, 'desk-08-qr-scanned');
    } finally {
      await context.close();
    }
  });
});
