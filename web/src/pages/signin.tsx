import { useEffect, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import { auth, REQUEST_CODE, SIGN_IN_WITH_CODE, type AuthSession } from '../auth.js';
import { readMistakes, type Mistakes } from '../errors.js';
import { ErrorSummary, mistakeFor, navigate, t, useLanguage } from '../ui.js';

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
      .mutation<{ requestSignInCode: { phone: string; resendAfterSeconds: number } }>(REQUEST_CODE, { phone })
      .toPromise();
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      setSentTo(r.data.requestSignInCode.phone);
      setResendAt(Date.now() + r.data.requestSignInCode.resendAfterSeconds * 1000);
    }
  };
  const verify = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await client.mutation<{ signInWithCode: AuthSession }>(SIGN_IN_WITH_CODE, { phone, code: code.trim() }).toPromise();
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
    </>
  );
}
