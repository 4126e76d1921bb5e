import { useEffect, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import { auth, REQUEST_CODE, SIGN_IN_WITH_CODE, STAFF_SIGN_IN, type AuthSession } from '../auth.js';
import { readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { ErrorSummary, Link, mistakeFor, navigate, t, useLanguage } from '../ui.js';

/** Citizen sign-in by phone and a one-time code (identity subgraph, see auth.ts). */
export function SignInPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | undefined>();
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const send = async (e?: Event): Promise<void> => {
    e?.preventDefault();
    const r = await client
      .mutation<{ requestSignInCode: { phone: string; resendAfterSeconds: number } }>(
        REQUEST_CODE,
        { phone },
        idempotent(newIdempotencyKey()),
      )
      .toPromise();
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      setSentTo(r.data.requestSignInCode.phone);
      setResendAt(Date.now() + r.data.requestSignInCode.resendAfterSeconds * 1000);
    }
  };
  const verify = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await client
      .mutation<{ signInWithCode: AuthSession }>(SIGN_IN_WITH_CODE, { phone, code: code.trim() }, idempotent(newIdempotencyKey()))
      .toPromise();
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      auth.set(r.data.signInWithCode, client);
      navigate('/children');
    }
  };
  const wait = Math.max(0, Math.ceil((resendAt - now) / 1000));
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1>{t('signin.title')}</h1>
      {!sentTo ? (
        <form onSubmit={(e) => void send(e)} noValidate>
          <div class={`field${mistakeFor(mistakes, 'phone') ? ' field-error' : ''}`} id="field-phone">
            <label for="phone">{t('signin.phone')}</label>
            <p class="hint">{t('book.phoneHint')}</p>
            <input id="phone" type="tel" autoComplete="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
          </div>
          <button class="button" type="submit">
            {t('signin.send')}
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void verify(e)} noValidate>
          <div class={`field${mistakeFor(mistakes, 'code') ? ' field-error' : ''}`} id="field-code">
            <label for="code">{t('signin.code')}</label>
            <p class="hint">{t('signin.codeHint', { phone: sentTo })}</p>
            <input
              id="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </div>
          <button class="button" type="submit">
            {t('signin.verify')}
          </button>{' '}
          <button class="button secondary" type="button" disabled={wait > 0} onClick={() => void send()}>
            {wait > 0 ? t('signin.resend', { seconds: wait }) : t('signin.resendNow')}
          </button>
        </form>
      )}
      <p>
        <Link href="/staff">{t('signin.staff')}</Link>
      </p>
    </>
  );
}

/** Staff sign-in (accounts an admin created); asks for the authenticator code when the API says TOTP_REQUIRED. */
export function StaffSignInPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [form, setForm] = useState({ username: '', password: '', totpCode: '' });
  const [needTotp, setNeedTotp] = useState(false);
  const [signedIn, setSignedIn] = useState<string | undefined>();
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  const set = (name: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [name]: (e.currentTarget as HTMLInputElement).value }));
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await client
      .mutation<{ staffSignIn: AuthSession }>(
        STAFF_SIGN_IN,
        { username: form.username, password: form.password, totpCode: form.totpCode || null },
        idempotent(newIdempotencyKey()),
      )
      .toPromise();
    if (r.error?.graphQLErrors.some((g) => g.extensions?.code === 'TOTP_REQUIRED')) setNeedTotp(true);
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      auth.set(r.data.staffSignIn, client);
      setSignedIn(r.data.staffSignIn.account.displayName ?? form.username);
    }
  };
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1>{t('signin.staff')}</h1>
      {signedIn ? (
        <>
          <p role="status">{t('signin.signedIn', { phone: signedIn })}</p>
          <StaffLanding />
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div class={`field${mistakeFor(mistakes, 'username') ? ' field-error' : ''}`} id="field-username">
            <label for="username">{t('signin.username')}</label>
            <input id="username" autoComplete="username" value={form.username} onInput={set('username')} />
          </div>
          <div class={`field${mistakeFor(mistakes, 'password') ? ' field-error' : ''}`} id="field-password">
            <label for="password">{t('signin.password')}</label>
            <input id="password" type="password" autoComplete="current-password" value={form.password} onInput={set('password')} />
          </div>
          {needTotp && (
            <div class={`field${mistakeFor(mistakes, 'totpCode') ? ' field-error' : ''}`} id="field-totpCode">
              <label for="totpCode">{t('signin.totp')}</label>
              <input id="totpCode" inputMode="numeric" autoComplete="one-time-code" value={form.totpCode} onInput={set('totpCode')} />
            </div>
          )}
          <button class="button" type="submit">
            {t('signin.verify')}
          </button>
        </form>
      )}
    </>
  );
}

/** After staff sign-in: where the role works, one Enter away (the first link takes the focus). */
function StaffLanding(): preact.JSX.Element | null {
  const role = auth.current?.account.role;
  const links: [string, string][] =
    role === 'HEALTH_WORKER'
      ? [['/desk', t('signin.goDesk')]]
      : role === 'ADMIN'
        ? [
            ['/board', t('signin.goBoard')],
            ['/desk', t('signin.goDesk')],
            ['/partners', t('signin.goPartners')],
          ]
        : role === 'PARTNER'
          ? [['/partners', t('signin.goPartners')]]
          : [];
  useEffect(() => document.querySelector<HTMLElement>('[data-testid=staff-landing] a')?.focus(), []);
  if (links.length === 0) return null;
  return (
    <ul class="staff-landing" data-testid="staff-landing">
      {links.map(([href, label]) => (
        <li key={href}>
          <Link href={href} class="button">
            {label}
          </Link>
        </li>
      ))}
    </ul>
  );
}
