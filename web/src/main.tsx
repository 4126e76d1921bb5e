import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Provider } from '@urql/preact';
import { createClient } from './client.js';
import { loadFeedbackStrings, setLanguage } from './i18n.js';
import { auth } from './auth.js';
import { FindPage } from './pages/find.js';
import { SessionPage } from './pages/session.js';
import { BookPage } from './pages/book.js';
import { ConfirmationPage } from './pages/confirmation.js';
import { AppointmentsPage } from './pages/appointments.js';
import { SignInPage, StaffSignInPage } from './pages/signin.js';
import { lazyPage } from './lazy.js';
import { AccountLink, SignOutWarning, StaffLinks } from './account.js';
import { CertsRoute } from './pages/certs-route.js';
import { Link, setNavigateListener, SurgeBanner, t, useLanguage } from './ui.js';
import './style.css';

// Parents' pages in their own chunk: not part of the citizen entry page's budget.
const ChildrenPage = lazyPage(() => import('./pages/children.js').then((m) => m.ChildrenPage));

const client = createClient();
void auth.refresh(client).catch(() => undefined);

// City dashboard, administration and partners (staff/board): loaded on first use.
const BoardPage = lazyPage(() => import('./staff/board/index.js').then((m) => m.BoardRoutes));
// The health-worker desk (staff/desk): its own chunk, loaded on first use.
const DeskPage = lazyPage(() => import('./staff/desk/desk.js').then((m) => m.DeskPage));
// Complaints, the FAQ and the satisfaction survey (feedback/): one chunk with its strings, loaded on first use.
const FeedbackPage = lazyPage(() => Promise.all([import('./feedback/index.js'), loadFeedbackStrings()]).then(([m]) => m.FeedbackRoutes));

function route(path: string): preact.JSX.Element {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return <FindPage />;
  if (parts[0] === 'session' && parts[1]) return <SessionPage id={parts[1]} />;
  if (parts[0] === 'book' && parts[1] && parts[2]) return <BookPage sessionId={parts[1]} slotId={parts[2]} />;
  if (parts[0] === 'confirmation' && parts[1]) return <ConfirmationPage id={parts[1]} />;
  if (parts[0] === 'appointments') return <AppointmentsPage />;
  if (parts[0] === 'sign-in') return <SignInPage />;
  if (parts[0] === 'staff') return <StaffSignInPage />;
  if (parts[0] === 'children') return <ChildrenPage />;
  if (parts[0] === 'board' || parts[0] === 'partners') return <BoardPage parts={parts} />;
  if (parts[0] === 'certificates' || parts[0] === 'verify') return <CertsRoute parts={parts} />;
  if (parts[0] === 'desk') return <DeskPage facilityId={parts[1]} />;
  if (parts[0] === 'faq' || parts[0] === 'complaints' || parts[0] === 'survey') return <FeedbackPage parts={parts} />;
  return <h1>{t('notFound')}</h1>;
}

function App(): preact.JSX.Element {
  const lang = useLanguage();
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = (): void => setPath(location.pathname);
    setNavigateListener(update);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
    // A new page: focus its heading so screen readers and keyboards start there.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path, lang]);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header>
        <Link href="/" class="brand">
          {t('app.title')}
        </Link>
        <nav aria-label={t('app.nav')}>
          <Link href="/">{t('nav.find')}</Link>
          <Link href="/appointments">{t('nav.mine')}</Link>
          <Link href="/children">{t('nav.parents')}</Link>
          <Link href="/certificates">{t('nav.certificates')}</Link>
          <Link href="/faq">{t('nav.help')}</Link>
          <StaffLinks />
          <AccountLink />
          <button type="button" class="link" lang={lang === 'id' ? 'en' : 'id'} onClick={() => setLanguage(lang === 'id' ? 'en' : 'id')}>
            {t('app.language')}
          </button>
        </nav>
      </header>
      <SignOutWarning />
      <SurgeBanner />
      <main id="main" tabIndex={-1}>
        {route(path)}
      </main>
    </>
  );
}

render(
  <Provider value={client}>
    <App />
  </Provider>,
  document.getElementById('app')!,
);
