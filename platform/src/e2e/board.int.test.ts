import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startEdge, type RunningEdge } from '@victori/gateway';
import { parseCsv } from '@victori/shared';
import { BookingKit, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { testEdgeConfig } from '../testing.js';

/**
 * The city dashboard, administration and partners' pages (issue 19 items 3 to 7) in Debian's Chromium at
 * tablet size, served by a real edge in front of the real gateway and subgraphs on PostgreSQL, signed in
 * with the development admin and partner accounts. Every page is checked with axe; screenshots (and the
 * printed board as PDF) go to web/test-results/.
 */
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'web/test-results');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CITY_STORE = '6f1c2a10-0000-4000-8000-000000000001';
const SEMARANG_TENGAH = '33.74.01';
const MIROTO_KELURAHAN = '33.74.01.1001';

async function axe(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } };
    const r = await w.axe.run();
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.nodes.length}): ${(v.nodes as { target: string[]; failureSummary?: string }[]).map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')}`,
      );
  });
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `board-${name}.png`), fullPage: true });

describe('staff board in a real browser: admin and partner', () => {
  let kit: BookingKit;
  let edge: RunningEdge;
  let browser: Browser;
  let origin: string;
  const pageErrors: string[] = [];
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const newPage = async (): Promise<Page> => {
    // A 10-inch tablet in landscape.
    const context = await browser.newContext({ viewport: { width: 1180, height: 820 }, locale: 'id-ID', acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (m) => m.type() === 'error' && console.warn(`browser: ${m.text()}`));
    return page;
  };

  /** Staff sign-in through the app, then the page; a reload keeps the session (refresh token). */
  const signedIn = async (username: string, password: string, path: string): Promise<Page> => {
    const page = await newPage();
    await page.goto(`${origin}/staff`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.locator('main p[role=status]').waitFor();
    // Signed in, staff are one link away from where their role works (the sign-in page and the header).
    const landing = page.getByTestId('staff-landing').getByRole('link');
    expect((await landing.allTextContents())[0]).toBe(username === 'mitra.dev' ? 'Buka data mitra' : 'Buka dasbor kota');
    expect(
      await page
        .getByRole('navigation')
        .getByRole('link', { name: username === 'mitra.dev' ? 'Data mitra' : 'Dasbor kota' })
        .count(),
    ).toBe(1);
    await page.goto(`${origin}${path}`);
    // The reload refreshed the session: the page is past its sign-in gate.
    await page
      .locator('main h1')
      .filter({ hasNotText: 'Silakan masuk' })
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        await shot(page, `failed-${username}`);
        throw new Error(`${String(error)}\n${await page.locator('main').innerText()}`);
      });
    return page;
  };

  const admin = <T>(query: string, variables: Record<string, unknown> = {}) =>
    kit.gql<T>(query, variables, { role: 'admin', sub: 'e2e-admin' });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    kit = await BookingKit.start('board', {}, { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' });
    // Boosters given over the last months to people living in Miroto (kelurahan 33.74.01.1001), as
    // immunization would publish them; reporting's projection takes them in.
    for (let i = 0; i < 36; i++) {
      await kit.doseRecorded(person().nik, {
        doseKind: 'BOOSTER_1',
        doseNumber: 3,
        administeredAt: `${inDays(-5 * i)}T02:00:00.000Z`,
        residenceKelurahanCode: MIROTO_KELURAHAN,
      });
    }
    for (const c of kit.platform.services.reporting.runtime.events.consumers) await c.drain();
    edge = await startEdge(testEdgeConfig(kit.platform.gatewayUrl));
    origin = new URL(edge.url).origin;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await edge?.close();
    await kit?.close();
  });

  test('the citizens’ entry does not load the board: its chunk comes only with a board page', async () => {
    const page = await newPage();
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.goto(`${origin}/`);
    await page.locator('#kecamatan').waitFor();
    expect(scripts.some((s) => s.includes('board'))).toBe(false);
    await page.goto(`${origin}/board`);
    await page.getByRole('heading', { name: 'Silakan masuk' }).waitFor();
    expect(scripts.some((s) => /\/assets\/board-[^/]+\.js$/.test(s))).toBe(true);
    await axe(page, 'sign-in gate');
    // The board's strings come with its chunk, in both languages.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
    await page.getByRole('link', { name: 'Staff sign-in' }).waitFor();
    await page.context().close();
  });

  test('admin: city dashboard with the coverage chart and its table, recap to two decimals, child indicators, stock, deliveries', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board');
    await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
    const recap = page.locator('#coverage-recap [data-testid=recap-row]');
    await recap.nth(16).waitFor();
    expect(await recap.count()).toBe(17);
    // The Dukcapil booster target; 36 boosters in Semarang Tengah (50,621): 0,07 %, to two decimals, and the
    // city total last.
    const total = recap.nth(16);
    expect(await total.locator('th').textContent()).toContain('(total)');
    expect(await total.locator('td').allTextContents()).toEqual(['1.391.552', '36', '0,00']);
    expect(await recap.filter({ hasText: 'Semarang Tengah' }).locator('td').allTextContents()).toEqual(['50.621', '36', '0,07']);
    // The chart is drawn (canvas), hidden from screen readers, described by the table of the same numbers.
    await page.locator('figure.chart canvas').first().waitFor();
    expect(await page.locator('figure.chart').getAttribute('aria-describedby')).toBe('coverage-history');
    expect(await page.locator('#coverage-history thead th').count()).toBe(7);
    await page.locator('#child-indicators tbody tr').nth(16).waitFor();
    await page.locator('#stock-city').waitFor();
    await page.getByTestId('delivery-health').waitFor();
    expect(await page.getByTestId('delivery-health').textContent()).toContain('Menunggu dikirim ke SATUSEHAT');
    await shot(page, '01-dashboard');
    await axe(page, 'dashboard');
    // A tablet held upright: the same page, tables scroll sideways inside their own box.
    await page.setViewportSize({ width: 768, height: 1024 });
    await shot(page, '01-dashboard-portrait');
    await axe(page, 'dashboard, portrait');
    await page.setViewportSize({ width: 1180, height: 820 });

    // Keyboard first: the dose filter changes the whole section.
    await page.focus('#cov-dose');
    await page.keyboard.press('ArrowDown');
    await page
      .getByRole('heading', { name: /COVID19 (?!BOOSTER_1)/ })
      .first()
      .waitFor();

    // Child indicators per kelurahan of one kecamatan.
    await page.selectOption('#child-kecamatan', SEMARANG_TENGAH);
    await page.locator('#child-indicators tbody tr', { hasText: 'Miroto' }).waitFor();
    await axe(page, 'dashboard, kelurahan');
    await page.context().close();
  });

  test('admin: "publish today\'s board" prints without the app around it', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board/publish');
    await page.getByRole('heading', { name: /Papan vaksinasi Kota Semarang/ }).waitFor();
    await page.locator('#coverage-recap [data-testid=recap-row]').nth(16).waitFor();
    await page.locator('figure.chart canvas').waitFor();
    await axe(page, 'publish');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Cetak' }).isVisible()).toBe(false);
    expect(await page.locator('.board-nav').isVisible()).toBe(false);
    expect(await page.locator('#coverage-recap').isVisible()).toBe(true);
    await shot(page, '02-publish-print');
    await page.pdf({ path: join(SHOTS, 'board-02-publish.pdf'), format: 'A4', printBackground: false });
    await page.context().close();
  });

  test('admin: opening hours of a facility, with every mistake at once', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board/facilities');
    await page.getByRole('heading', { name: 'Fasilitas dan jam buka' }).waitFor();
    await page.fill('#facility-filter', 'Miroto');
    await page.getByRole('button', { name: 'Ubah Puskesmas Miroto' }).click();
    await page.getByRole('heading', { name: 'Ubah Puskesmas Miroto' }).waitFor();
    // Saturday opens after it closes, and the name is empty: both refused together.
    await page.fill('#ef-name', '');
    await page.fill('#ef-opens-6', '12:00');
    await page.getByLabel('Sabtu Tutup').fill('08:00');
    await page.getByRole('button', { name: 'Simpan' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.locator('li').allTextContents()).toEqual(['Wajib diisi', 'Jam tutup harus setelah jam buka']);
    // Each summary link leads to its field (Saturday is the sixth day sent).
    for (const href of await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!)))
      expect(await page.locator(`[id="${href.slice(1)}"]`).count()).toBe(1);
    await shot(page, '03-facility-errors');
    await axe(page, 'facility with errors');
    await page.fill('#ef-name', 'Puskesmas Miroto');
    await page.fill('#ef-opens-6', '08:00');
    await page.getByLabel('Sabtu Tutup').fill('12:00');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.getByRole('status').filter({ hasText: 'disimpan' }).waitFor();
    const res = await kit.gql<{ facility: { openingHours: { weekday: number; opens: string; closes: string }[] } }>(
      `query($id: ID!) { facility(id: $id) { openingHours { weekday opens closes } } }`,
      { id: MIROTO },
    );
    expect(res.data!.facility.openingHours).toContainEqual({ weekday: 6, opens: '08:00', closes: '12:00' });
    await page.context().close();
  });

  test('admin: a session with slots is created, its capacity changed by keyboard, then closed', async () => {
    await kit.usableStock(MIROTO, 'PFIZER', 100);
    const page = await signedIn('admin', 'admin-dev-password', '/board/sessions');
    await page.getByRole('heading', { name: 'Sesi dan slot' }).waitFor();
    await page.selectOption('#sess-facility', MIROTO);
    await page.getByRole('button', { name: 'Sesi baru' }).click();
    await page.fill('#ns-date', inDays(3));
    await page.fill('#ns-start', '13:00');
    await page.fill('#ns-end', '14:00');
    await page.fill('#ns-capacity', 'dua puluh');
    await page.getByRole('button', { name: 'Buat' }).click();
    // Not a number, no vaccine, no dose kind: every one named at once.
    await page.locator('#field-capacity .error-message').waitFor();
    await page.locator('#field-productCode .error-message').waitFor();
    await axe(page, 'new session with errors');
    await page.selectOption('#ns-product', 'PFIZER');
    await page.getByLabel('BOOSTER_1').check();
    await page.fill('#ns-capacity', '20');
    await page.getByRole('button', { name: 'Buat' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Sesi ${inDays(3)} dibuat` })
      .waitFor();
    const row = page
      .getByTestId('session-row')
      .filter({ hasText: inDays(3) })
      .filter({ hasText: '13:00' });
    await row.waitFor();
    expect(await row.locator('ul.slots li').count()).toBe(2);
    await shot(page, '04-sessions');
    await axe(page, 'sessions');

    const capacity = row.getByLabel('Kapasitas');
    await capacity.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Kapasitas diubah menjadi 10' }).waitFor();
    await row.getByRole('button', { name: `Tutup sesi ${inDays(3)} 13:00` }).click();
    await page.getByRole('status').filter({ hasText: 'Sesi ditutup' }).waitFor();
    const sessions = await kit.gql<{
      sessions: { edges: { node: { date: string; startTime: string; capacity: number; status: string } }[] };
    }>(
      `query($d: Date!) { sessions(first: 50, filter: { kelurahanCode: "33.74.01.1001", dateFrom: $d, dateTo: $d }) { edges { node { date startTime capacity status } } } }`,
      { d: inDays(3) },
    );
    expect(sessions.data!.sessions.edges.map((e) => e.node).find((s) => s.startTime === '13:00')).toMatchObject({
      capacity: 10,
      status: 'CLOSED',
    });
    await page.context().close();
  });

  test('admin: stock received into the city store, transferred to a puskesmas, counted there; the board shows the expiring lot', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board/stock');
    await page.getByRole('heading', { name: 'Penerimaan, mutasi dan stock opname' }).waitFor();
    await page.selectOption('#st-product', 'PFIZER');
    await page.fill('#st-lotnumber', 'E2E-BOARD-1');
    await page.fill('#st-expiry', inDays(20));
    await page.fill('#st-doses', '120');
    await page.getByRole('button', { name: 'Catat penerimaan' }).click();
    await page.getByRole('status').filter({ hasText: 'Lot E2E-BOARD-1: 120 dosis diterima' }).waitFor();
    await page.getByTestId('lot-row').filter({ hasText: 'E2E-BOARD-1' }).waitFor();

    await page.getByLabel('Mutasi ke fasilitas lain').check();
    await page.getByRole('button', { name: 'Pindahkan' }).click();
    await page.getByRole('alert').waitFor();
    await axe(page, 'transfer with errors');
    const lot = await page.locator('#st-lot option', { hasText: 'E2E-BOARD-1' }).getAttribute('value');
    await page.selectOption('#st-lot', lot!);
    await page.selectOption('#st-to', MIROTO);
    await page.fill('#st-doses', '30');
    await page.getByRole('button', { name: 'Pindahkan' }).click();
    await page.getByRole('status').filter({ hasText: '30 dosis dipindahkan' }).waitFor();

    await page.selectOption('#st-facility', MIROTO);
    await page.getByLabel('Stock opname').check();
    await page.selectOption('#st-lot', lot!);
    await page.fill('#st-counted', '28');
    await page.getByRole('button', { name: 'Catat hasil hitung' }).click();
    await page.getByRole('status').filter({ hasText: 'hasil hitung 28 dosis' }).waitFor();
    await shot(page, '05-stock');
    await axe(page, 'stock');
    const res = await admin<{ lots: { edges: { node: { lotNumber: string; holdings: { facilityId: string; balance: number }[] } }[] } }>(
      `{ lots(productCode: "PFIZER") { edges { node { lotNumber holdings { facilityId balance } } } } }`,
    );
    const held = res.data!.lots.edges.map((e) => e.node).find((l) => l.lotNumber === 'E2E-BOARD-1')!.holdings;
    expect(held).toEqual(
      expect.arrayContaining([
        { facilityId: CITY_STORE, balance: 90 },
        { facilityId: MIROTO, balance: 28 },
      ]),
    );
    await page.goto(`${origin}/board`);
    await page.getByTestId('expiring-row').filter({ hasText: 'E2E-BOARD-1' }).first().waitFor();
    await page.context().close();
  });

  test('admin: a staff account with its role and facility, every mistake at once', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board/staff');
    await page.getByRole('heading', { name: 'Akun petugas', exact: true }).waitFor();
    await page.getByTestId('account-row').filter({ hasText: 'mitra.dev' }).waitFor();
    await page.selectOption('#na-role', 'HEALTH_WORKER');
    await page.fill('#na-username', 'X');
    await page.fill('#na-password', 'short');
    await page.getByRole('button', { name: 'Buat' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.locator('li').count()).toBe(3);
    await axe(page, 'staff with errors');
    await page.fill('#na-username', 'nakes.e2e');
    await page.fill('#na-password', 'nakes-e2e-password');
    await page.selectOption('#na-facility', MIROTO);
    await page.getByRole('button', { name: 'Buat' }).click();
    await page.getByRole('status').filter({ hasText: 'Akun nakes.e2e dibuat' }).waitFor();
    const row = page.getByTestId('account-row').filter({ hasText: 'nakes.e2e' });
    await row.getByLabel('Peran nakes.e2e').selectOption('PARTNER');
    await row.getByLabel('Fasilitas nakes.e2e').selectOption('');
    await row.getByRole('button', { name: 'Simpan nakes.e2e' }).click();
    await page.getByRole('status').filter({ hasText: 'Akun nakes.e2e disimpan' }).waitFor();
    await shot(page, '06-staff');
    await axe(page, 'staff');
    const accounts = await admin<{ staffAccounts: { edges: { node: { username: string; role: string; facilityId: string | null } }[] } }>(
      `{ staffAccounts { edges { node { username role facilityId } } } }`,
    );
    expect(accounts.data!.staffAccounts.edges.map((e) => e.node).find((a) => a.username === 'nakes.e2e')).toEqual({
      username: 'nakes.e2e',
      role: 'PARTNER',
      facilityId: null,
    });
    await page.context().close();
  });

  test('admin: targets import is previewed row by row and refused while any row is wrong, then imported', async () => {
    const page = await signedIn('admin', 'admin-dev-password', '/board/targets');
    await page.getByRole('heading', { name: 'Impor sasaran' }).waitFor();
    const good = `${SEMARANG_TENGAH}.1001,COVID19,BOOSTER_1,2026,,1500`;
    await page.fill(
      '#targets-csv',
      ['area_code,programme,dose,year,effective_from,target', good, '33.99.99,COVID19,BOOSTER_1,2026,,-4'].join('\n'),
    );
    await page.getByRole('button', { name: 'Pratinjau' }).click();
    await page.getByTestId('target-problem').first().waitFor();
    expect(await page.getByTestId('target-problem').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Impor' }).isDisabled()).toBe(true);
    await shot(page, '07-targets-problems');
    await axe(page, 'targets with problems');
    await page.fill('#targets-csv', ['area_code,programme,dose,year,effective_from,target', good].join('\n'));
    await page.getByRole('button', { name: 'Pratinjau' }).click();
    const row = page.getByTestId('target-preview-row');
    await row.waitFor();
    expect(await row.textContent()).toContain('Baru');
    await page.getByRole('button', { name: 'Impor' }).click();
    await page.getByRole('status').filter({ hasText: '1 sasaran diimpor' }).waitFor();
    await axe(page, 'targets imported');
    const cov = await admin<{ coverage: { area: { code: string }; target: number }[] }>(
      `{ coverage(programme: "COVID19", dose: "BOOSTER_1", level: KELURAHAN, parentCode: "${SEMARANG_TENGAH}") { area { code } target } }`,
    );
    expect(cov.data!.coverage.find((r) => r.area.code === `${SEMARANG_TENGAH}.1001`)!.target).toBe(1500);
    await page.context().close();
  });

  test('partner: coverage per area with suppressed cells shown as such, the files downloaded; the admin pages are not theirs', async () => {
    const page = await signedIn('mitra.dev', 'mitra-dev-password', '/partners');
    await page.getByRole('heading', { name: 'Data untuk mitra' }).waitFor();
    await page.selectOption('#p-area', SEMARANG_TENGAH);
    const rows = page.locator('#partner-coverage [data-testid=recap-row]');
    await rows.filter({ hasText: 'Miroto' }).waitFor();
    // The other kelurahan have fewer than the threshold (none): hidden. Miroto's 36 is hidden too, because
    // with it and the total published the hidden ones would be known to be zero (complementary suppression).
    expect(await rows.filter({ hasText: 'Brumbungan' }).locator('td').nth(1).textContent()).toBe('disembunyikan');
    expect(await rows.filter({ hasText: 'Miroto' }).locator('td').nth(1).textContent()).toBe('disembunyikan');
    expect(await rows.filter({ hasText: 'Miroto' }).locator('td').nth(0).textContent()).toBe('1.500');
    await shot(page, '08-partners');
    await axe(page, 'partners');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh CSV' }).first().click()]);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    expect(download.suggestedFilename()).toBe(`victori-coverage-covid19-booster_1-kelurahan-33.74.01-${today}.csv`);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(csv.find((r) => r.area_name === 'Miroto')).toMatchObject({ suppressed: 'true', achieved: '', target: '1500' });
    expect(csv.find((r) => r.area_name === 'Brumbungan')).toMatchObject({ suppressed: 'true', achieved: '' });
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Unduh DHIS2 (JSON)' }).first().click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/\.dhis2\.json$/);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8'))).toHaveProperty('dataValues');
    await page.getByRole('status').filter({ hasText: 'diunduh' }).waitFor();

    await page.goto(`${origin}/board/staff`);
    await page.getByRole('heading', { name: 'Tidak ada akses' }).waitFor();
    await axe(page, 'partner on an admin page');
    await page.context().close();
  });

  // Last: it applies inventory's backlog of the suite (the boosters above), which the stock pages do not expect.
  test('admin: while a projection is behind the event log the dashboard says how far ("Memperbarui: N peristiwa tertinggal"), until it has caught up', async () => {
    const drain = async (service: 'reporting' | 'inventory') => {
      for (const c of kit.platform.services[service].runtime.events.consumers) await c.drain();
    };
    await drain('reporting');
    await drain('inventory');
    const page = await signedIn('admin', 'admin-dev-password', '/board');
    await page.locator('#coverage-recap [data-testid=recap-row]').nth(16).waitFor();
    const notice = page.getByTestId('projection-lag');
    expect(await notice.textContent()).toBe('');
    const cityAchieved = page.locator('#coverage-recap tr.total td').nth(1);
    const before = Number((await cityAchieved.textContent())!.replace(/\./g, ''));
    expect(before).toBeGreaterThanOrEqual(36);

    // Two boosters on the bus that no projection has applied yet (nothing runs in the background here).
    for (let i = 0; i < 2; i++)
      await kit.doseRecorded(person().nik, { doseKind: 'BOOSTER_1', doseNumber: 3, residenceKelurahanCode: MIROTO_KELURAHAN });
    await page.reload();
    await notice.filter({ hasText: 'Memperbarui: 2 peristiwa tertinggal' }).waitFor();
    await shot(page, '09-dashboard-updating');
    await axe(page, 'dashboard, updating');
    await page.getByRole('button', { name: 'English' }).click();
    await notice.filter({ hasText: 'Updating: 2 events behind' }).waitFor();

    // Reporting catches up; inventory's stock is still 2 behind, so the page still says so.
    await drain('reporting');
    await page.waitForTimeout(6_000);
    expect(await notice.textContent()).toBe('Updating: 2 events behind');
    // Then inventory: the page asks again every 5 s while behind, and the notice goes.
    await drain('inventory');
    await notice.locator('p').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await notice.textContent()).toBe('');
    // Caught up: the page asks for its numbers again by itself; the city total counts the two boosters, no reload.
    await cityAchieved.filter({ hasText: new RegExp(`^${before + 2}$`) }).waitFor({ timeout: 10_000 });
    await page.context().close();
  });
});
