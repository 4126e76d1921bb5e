import { useEffect, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import { auth, SIGN_OUT } from './auth.js';
import { idempotent, newIdempotencyKey } from './client.js';
import { Link, navigate, t } from './ui.js';

/**
 * The header's account entry: "Sign in" while signed out; "Sign out" while signed in, which ends the
 * session at the server (its refresh token stops working) and on this phone, a shared one perhaps.
 */
export function AccountLink(): preact.JSX.Element {
  const client = useClient();
  const [signedIn, setSignedIn] = useState(!!auth.current);
  useEffect(() => auth.subscribe((s) => setSignedIn(!!s)), []);
  if (!signedIn) return <Link href="/sign-in">{t('nav.signIn')}</Link>;
  const signOut = async (): Promise<void> => {
    const refreshToken = auth.current?.refreshToken;
    // Signed out here whatever the server says: an unreachable server must not keep the phone signed in.
    if (refreshToken) await client.mutation(SIGN_OUT, { refreshToken }, idempotent(newIdempotencyKey())).toPromise();
    auth.set(undefined);
    navigate('/');
  };
  return (
    <button type="button" class="link" onClick={() => void signOut()} data-testid="sign-out">
      {t('nav.signOut')}
    </button>
  );
}
