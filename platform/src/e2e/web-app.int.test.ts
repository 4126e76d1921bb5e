import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env } from '@victori/shared';
import { BookingKit, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';

/**
 * The citizens' web app in Debian's Chromium, served by a real edge (web/dist) in front of the real gateway
 * and subgraphs on PostgreSQL, at 360 px wide. Screenshots go to web/test-results/.
 */
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'web/test-results');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CHROMIUM = '/usr/bin/chromium';
// Sign-in flows need the identity subgraph (issue 18 item 1); they run once it is in the supergraph.
const HAS_IDENTITY = readFileSync(join(ROOT, 'supergraph.graphql'), 'utf8').includes('requestSignInCode');

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

describe('the web app in a real browser, through the edge', () => {
  let kit: BookingKit;
  let edge: RunningEdge;
  let browser: Browser;
  let origin: string;
  let first: { id: string; slots: { id: string }[] };
  let later: { id: string };

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'id-ID' });
    const page = await context.newPage();
    // A script error fails the test that caused it.
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('503')) console.warn(`browser: ${message.text()}`);
    });
    return page;
  };
  const pageErrors: string[] = [];
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    kit = await BookingKit.start('web', {}, { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' });
    await kit.usableStock(MIROTO, 'PFIZER', 100);
    first = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(2),
      startTime: '08:00',
      endTime: '09:00',
      slotMinutes: 30,
      capacity: 10,
    });
    later = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(4),
      startTime: '10:00',
      endTime: '10:30',
      slotMinutes: 30,
      capacity: 5,
    });
    edge = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(kit.platform.gatewayUrl).origin, LOG_LEVEL: 'silent' })),
    );
    origin = new URL(edge.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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

  test('the edge serves the app: hashed assets for a year, index.html revalidated, app routes fall back to it', async () => {
    const index = await fetch(`${origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${origin}${asset}`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const route = await fetch(`${origin}/session/abc`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(html);
    expect((await fetch(`${origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/..%2f..%2fpackage.json`)).status).not.toBe(200);
  });

  test('find a centre, open its session, book self and two family members, each with a slip code, QR and queue number', async () => {
    const page = await newPage();
    await page.goto(`${origin}/`);
    await page.selectOption('#kecamatan', '33.74.01');
    const miroto = page.getByTestId('centre').filter({ hasText: 'Puskesmas Miroto' });
    await expect(miroto.getByRole('link').first().textContent()).resolves.toContain(inDays(2));
    // Centres with places come before those without.
    await expect(page.getByTestId('centre').first().textContent()).resolves.toContain('Puskesmas Miroto');
    await shot(page, '01-find');
    await axe(page, 'find');

    await miroto.getByRole('link').first().click();
    await page.getByTestId('slot').first().waitFor();
    await shot(page, '02-session');
    await axe(page, 'session');
    await page.getByTestId('slot').first().getByRole('link').click();

    // Every mistake at once, in the summary and beside its field.
    await page.getByRole('button', { name: 'Pesan tempat' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.locator('li').count()).toBeGreaterThanOrEqual(5);
    for (const field of ['nik', 'fullName', 'birthDate', 'sex', 'phone']) await page.locator(`#field-${field} .error-message`).waitFor();
    await shot(page, '03-book-errors');
    await axe(page, 'book with errors');

    const family = [
      person({ birthDate: '1985-03-27' }),
      person({ birthDate: '1988-11-02', sex: 'MALE' }),
      person({ birthDate: '2001-07-09' }),
    ];
    const slips: string[] = [];
    for (const [i, p] of family.entries()) {
      await page.fill('#nik', p.nik);
      await page.fill('#fullName', p.fullName);
      const [y, m, d] = p.birthDate.split('-');
      await page.fill('#birthDate', d!);
      await page.getByLabel('Bulan').fill(m!);
      await page.getByLabel('Tahun').fill(y!);
      await page.check(`input[name=sex][value=${p.sex}]`);
      if (i === 0) {
        await page.fill('#phone', family[0]!.phone);
        await page.selectOption('#res-kecamatan', '33.74.01');
        await page.locator('#residenceKelurahanCode option[value="33.74.01.1001"]').waitFor({ state: 'attached' });
        await page.selectOption('#residenceKelurahanCode', '33.74.01.1001');
      } else {
        // The household's phone and kelurahan are kept for the next family member.
        expect(await page.inputValue('#phone')).toBe(family[0]!.phone);
      }
      // The last one is submitted from the keyboard.
      if (i === 2) await page.keyboard.press('Enter');
      else await page.getByRole('button', { name: 'Pesan tempat' }).click();
      await page.getByTestId('slip-code').waitFor();
      slips.push((await page.getByTestId('slip-code').textContent())!.trim());
      expect(await page.getByTestId('queue-number').textContent()).toBe(String(i + 1));
      expect(await page.locator('.qr svg').count()).toBe(1);
      if (i === 0) {
        await shot(page, '04-confirmation');
        await axe(page, 'confirmation');
      }
      if (i < 2) await page.getByRole('link', { name: 'Pesan untuk anggota keluarga lain' }).click();
    }
    expect(new Set(slips).size).toBe(3);
    const rows = await kit.sql<{ n: string }>(`select count(*) as n from appointment where status = 'BOOKED'`);
    expect(Number(rows[0]!.n)).toBe(3);

    // My appointments by NIK, birth date and slip code: reschedule, then cancel, each after a confirmation.
    const me = family[0]!;
    await page.getByRole('link', { name: 'Janji saya' }).first().click();
    await page.fill('#nik', me.nik);
    const [y, m, d] = me.birthDate.split('-');
    await page.fill('#birthDate', d!);
    await page.getByLabel('Bulan').fill(m!);
    await page.getByLabel('Tahun').fill(y!);
    await page.fill('#slipCode', slips[0]!);
    await page.getByRole('button', { name: 'Cari janji' }).click();
    await page.getByTestId('appointment').first().waitFor();
    await shot(page, '05-my-appointments');
    await axe(page, 'my appointments');
    await page.getByRole('button', { name: 'Ganti jadwal' }).click();
    await page
      .getByTestId('new-slot')
      .filter({ hasText: inDays(4) })
      .first()
      .click();
    await page.getByRole('button', { name: 'Ya, pindahkan' }).click();
    await expect(page.getByTestId('notice').textContent()).resolves.toBe('Jadwal diganti.');
    await page
      .getByTestId('appointment')
      .filter({ hasText: inDays(4) })
      .waitFor();
    const moved = await kit.sql<{ session_id: string }>(`select session_id from appointment where slip_code = ?`, [slips[0]]);
    expect(moved[0]!.session_id).toBe(later.id);

    await page.getByRole('button', { name: 'Batalkan' }).click();
    await page.getByRole('button', { name: 'Ya, batalkan' }).click();
    await page.getByTestId('appointment').filter({ hasText: 'Dibatalkan' }).waitFor();
    const cancelled = await kit.sql<{ status: string }>(`select status from appointment where slip_code = ?`, [slips[0]]);
    expect(cancelled[0]!.status).toBe('CANCELLED');
    await page.context().close();
  });

  test('the whole booking with the keyboard alone: Tab, typing, Space and Enter', async () => {
    const page = await newPage();
    await page.goto(`${origin}/session/${first.id}`);
    await page.getByTestId('slot').first().waitFor();
    const focused = (): Promise<string> =>
      page.evaluate(() => {
        // Runs in the page; the platform's typecheck has no DOM types.
        const el = (
          globalThis as unknown as { document: { activeElement: { tagName: string; id: string; textContent: string | null } | null } }
        ).document.activeElement;
        return el ? `${el.tagName.toLowerCase()}#${el.id}|${el.textContent ?? ''}` : '';
      });
    const tabTo = async (match: (f: string) => boolean): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (match(await focused())) return;
      }
      throw new Error(`not reached by Tab; last focus ${await focused()}`);
    };
    await tabTo((f) => f.startsWith('a#|') && f.includes('Pesan 08:'));
    await page.keyboard.press('Enter');
    await page.locator('#nik').waitFor();
    const p = person({ birthDate: '1979-01-15', sex: 'MALE' });
    const [y, m, d] = p.birthDate.split('-');
    await tabTo((f) => f.startsWith('input#nik'));
    await page.keyboard.type(p.nik);
    await page.keyboard.press('Tab');
    await page.keyboard.type(p.fullName);
    await page.keyboard.press('Tab');
    await page.keyboard.type(d!);
    await page.keyboard.press('Tab');
    await page.keyboard.type(m!);
    await page.keyboard.press('Tab');
    await page.keyboard.type(y!);
    // Into the radio group (first option), then the arrow key moves to and selects the second (male).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0812' + String(Date.now()).slice(-8));
    await page.keyboard.press('Tab');
    await page.keyboard.type('Semarang Tengah');
    await page.locator('#residenceKelurahanCode option[value="33.74.01.1001"]').waitFor({ state: 'attached' });
    await page.keyboard.press('Tab');
    await page.keyboard.type('Miroto');
    expect(await page.inputValue('#residenceKelurahanCode')).toBe('33.74.01.1001');
    expect(await page.isChecked('input[name=sex][value=MALE]')).toBe(true);
    await tabTo((f) => f.startsWith('button#'));
    await page.keyboard.press('Enter');
    await page.getByTestId('slip-code').waitFor();
    expect((await page.getByTestId('slip-code').textContent())!.trim()).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    await page.context().close();
  });

  test('the English switch changes every string and is kept on the next visit', async () => {
    const page = await newPage();
    await page.goto(`${origin}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Cari tempat vaksinasi');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Find a vaccination place');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.goto(`${origin}/appointments`);
    await expect(page.locator('h1').textContent()).resolves.toBe('My appointments');
    await shot(page, '06-english');
    await axe(page, 'english');
    await page.context().close();
  });

  test('when the edge refuses for overload the app counts down, keeps going by itself and shows the data', async () => {
    const busy = await startEdge(
      loadEdgeConfig(
        new Env({
          EDGE_PORT: '0',
          EDGE_UPSTREAM_URL: new URL(kit.platform.gatewayUrl).origin,
          EDGE_READ_MAX_CONCURRENT: '1',
          EDGE_READ_MAX_QUEUE: '0',
          LOG_LEVEL: 'silent',
        }),
      ),
    );
    // The one read place is taken: every read is refused with 503 OVERLOADED and Retry-After.
    expect(busy.admission.read.tryEnter()).toBe('admitted');
    const page = await newPage();
    try {
      await page.goto(`${new URL(busy.url).origin}/session/${first.id}`);
      const surge = page.getByTestId('surge');
      await surge.waitFor();
      expect(await surge.textContent()).toMatch(/Mencoba lagi otomatis dalam \d+ detik/);
      await shot(page, '07-overload');
      busy.admission.read.leave();
      await page.getByTestId('slot').first().waitFor({ timeout: 20_000 });
      await surge.waitFor({ state: 'detached' });
    } finally {
      await page.context().close();
      await busy.close();
    }
  });

  (HAS_IDENTITY ? test : test.skip)('[needs identity] a citizen signs in with a code from the development SMS outbox', async () => {
    const page = await newPage();
    await page.goto(`${origin}/sign-in`);
    await page.fill('#phone', '081234500001');
    await page.getByRole('button', { name: 'Kirim kode' }).click();
    await page.locator('#code').waitFor();
    const outbox = await kit.gql<{ devSmsOutbox: { text: string }[] }>(`query { devSmsOutbox(phone: "+6281234500001") { text } }`);
    const code = /\b(\d{6})\b/.exec(outbox.data!.devSmsOutbox[0]!.text)![1]!;
    await page.fill('#code', code);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Anak saya' }).waitFor();
    await shot(page, '08-signed-in');
    await axe(page, 'signed in');
    await page.context().close();
  });
});
