import { useEffect, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import type { Client } from '@urql/core';
import { auth, SIGN_OUT } from './auth.js';
import { idempotent, newIdempotencyKey } from './client.js';
import { Link, navigate, t } from './ui.js';
import { useSession } from './session.js';

/** Desk entries on this device not yet on the server (staff only; the desk's store loads on first use). */
async function unsentDeskEntries(): Promise<number> {
  const role = auth.current?.account.role;
  if (!role || role === 'CITIZEN') return 0;
  const { unsent } = await import('./staff/desk/store.js');
  return (await unsent()).length;
}

/** The warning the header's sign-out raises when desk entries wait: one at a time, shown under the header. */
let pending: number | undefined;
const listeners = new Set<(n: number | undefined) => void>();
const showWarning = (n: number | undefined): void => {
  pending = n;
  for (const l of listeners) l(n);
};

async function endSession(client: Client, kept: number): Promise<void> {
  const refreshToken = auth.current?.refreshToken;
  // Signed out here whatever the server says: an unreachable server must not keep the phone signed in.
  if (refreshToken)
    await client
      .mutation(SIGN_OUT, { refreshToken }, idempotent(newIdempotencyKey()))
      .toPromise()
      .catch(() => undefined);
  auth.set(undefined);
  showWarning(undefined);
  // Entries kept: back to the desk, which shows them waiting for the next sign-in.
  navigate(kept > 0 ? '/desk' : '/');
}

/**
 * The header's account entry: "Sign in" while signed out; "Sign out" while signed in, which ends the
 * session at the server (its refresh token stops working) and on this phone, a shared one perhaps. A health
 * worker with desk entries not yet sent is warned first; signing out keeps them on the device (issue 19
 * item 2), as the desk's own sign-out does.
 */
export function AccountLink(): preact.JSX.Element {
  const client = useClient();
  const signedIn = !!useSession();
  if (!signedIn) return <Link href="/sign-in">{t('nav.signIn')}</Link>;
  const signOut = async (): Promise<void> => {
    const left = await unsentDeskEntries().catch(() => 0);
    if (left > 0) return showWarning(left);
    await endSession(client, 0);
  };
  return (
    <button type="button" class="link" onClick={() => void signOut()} data-testid="sign-out">
      {t('nav.signOut')}
    </button>
  );
}

/** Under the header: "N entries not sent yet" with sign out (keeping them) or stay. */
export function SignOutWarning(): preact.JSX.Element | null {
  const client = useClient();
  const [count, setCount] = useState(pending);
  useEffect(() => {
    listeners.add(setCount);
    return () => void listeners.delete(setCount);
  }, []);
  useEffect(() => {
    if (count !== undefined) document.getElementById('header-signout-title')?.focus();
  }, [count]);
  if (count === undefined) return null;
  return (
    <div class="signout-warning" role="alertdialog" aria-labelledby="header-signout-title" data-testid="header-signout-warning">
      <h2 id="header-signout-title" tabIndex={-1}>
        {t('nav.unsentTitle', { count })}
      </h2>
      <p>{t('nav.unsentBody')}</p>
      <button type="button" class="button warning" onClick={() => void endSession(client, count)}>
        {t('nav.signOutAnyway')}
      </button>{' '}
      <button type="button" class="button secondary" onClick={() => showWarning(undefined)}>
        {t('nav.stay')}
      </button>
    </div>
  );
}

/** Where a staff account works: the desk (health workers), the city board (admins), the partners' view. */
export function StaffLinks(): preact.JSX.Element | null {
  const role = useSession()?.account.role;
  switch (role) {
    case 'HEALTH_WORKER':
      return <Link href="/desk">{t('nav.desk')}</Link>;
    case 'ADMIN':
      return (
        <>
          <Link href="/board">{t('nav.board')}</Link>
          <Link href="/desk">{t('nav.desk')}</Link>
        </>
      );
    case 'PARTNER':
      return <Link href="/partners">{t('nav.partners')}</Link>;
    default:
      return null;
  }
}
