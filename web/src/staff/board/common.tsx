import type { ComponentChildren } from 'preact';
import { Link, t } from '../../ui.js';

export type StaffRole = 'ADMIN' | 'PARTNER' | 'HEALTH_WORKER';

import { useSession } from '../../session.js';
export { useSession };

/**
 * Shows the page only to the roles it is for. The API decides access anyway (every service's policy); this
 * only spares a partner a page of refusals and tells them why.
 */
export function RoleGate(props: { roles: StaffRole[]; children: ComponentChildren }): preact.JSX.Element {
  const session = useSession();
  if (!session)
    return (
      <>
        <h1 tabIndex={-1}>{t('board.signInTitle')}</h1>
        <p>
          <Link href="/staff">{t('board.signIn')}</Link>
        </p>
      </>
    );
  if (!props.roles.includes(session.account.role as StaffRole))
    return (
      <>
        <h1 tabIndex={-1}>{t('board.forbiddenTitle')}</h1>
        <p role="alert">{t('board.forbidden')}</p>
      </>
    );
  return <>{props.children}</>;
}

const ADMIN_PAGES = [
  ['/board', 'board.nav.dashboard'],
  ['/board/publish', 'board.nav.publish'],
  ['/board/facilities', 'board.nav.facilities'],
  ['/board/sessions', 'board.nav.sessions'],
  ['/board/stock', 'board.nav.stock'],
  ['/board/staff', 'board.nav.staff'],
  ['/board/targets', 'board.nav.targets'],
  ['/partners', 'board.nav.partners'],
] as const;

/** The admin's pages, one per task; the current one marked for screen readers. */
export function BoardNav(props: { current: string }): preact.JSX.Element {
  return (
    <nav class="board-nav no-print" aria-label={t('board.nav.label')}>
      {ADMIN_PAGES.map(([href, key]) =>
        href === props.current ? (
          <a key={href} href={href} aria-current="page">
            {t(key)}
          </a>
        ) : (
          <Link key={href} href={href}>
            {t(key)}
          </Link>
        ),
      )}
    </nav>
  );
}

/** A percentage as the city publishes it: two decimals, Indonesian or English separators. */
export function pct(value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function num(value: number | null | undefined, lang: string, digits = 0): string {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: digits });
}

/** A suppressed cell says so (small counts are hidden for partners and the public), never a bare dash. */
export function Cell(props: { value: string; suppressed?: boolean }): preact.JSX.Element {
  if (props.suppressed && props.value === '–')
    return (
      <td class="num suppressed" title={t('board.suppressedHint')}>
        {t('board.suppressed')}
      </td>
    );
  return <td class="num">{props.value}</td>;
}

/** Today in Asia/Jakarta as YYYY-MM-DD (the day the city's figures are for). */
export function jakartaToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The last day of each of the `count` months before today's, oldest first, then today. */
export function periodEnds(today: string, count: number): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = count; i >= 1; i--) {
    const end = new Date(Date.UTC(y, m - 1 - i + 1, 0));
    out.push(end.toISOString().slice(0, 10));
  }
  out.push(today);
  return out;
}

export function Status(props: { message: string | undefined }): preact.JSX.Element {
  return (
    <p role="status" aria-live="polite" class="status">
      {props.message ?? ''}
    </p>
  );
}
