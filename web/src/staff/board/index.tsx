import { useEffect, useState } from 'preact/hooks';
import { loadBoardStrings } from '../../i18n.js';
import { t } from '../../ui.js';
import { RoleGate, useSession } from './common.js';
import { DashboardPage, PublishPage } from './dashboard.js';
import { FacilitiesPage } from './facilities.js';
import { PartnersPage } from './partners.js';
import { SessionsPage } from './sessions.js';
import { StaffPage } from './staff.js';
import { StockPage } from './stock.js';
import { TargetsPage } from './targets.js';
import './board.css';

const strings = loadBoardStrings();

function Page(props: { parts: string[] }): preact.JSX.Element {
  const session = useSession();
  const [first, second] = props.parts;
  if (first === 'partners')
    return (
      <RoleGate roles={['PARTNER', 'ADMIN']}>
        <PartnersPage admin={session?.account.role === 'ADMIN'} />
      </RoleGate>
    );
  const page = (() => {
    switch (second) {
      case undefined:
        return <DashboardPage />;
      case 'publish':
        return <PublishPage />;
      case 'facilities':
        return <FacilitiesPage />;
      case 'sessions':
        return <SessionsPage />;
      case 'stock':
        return <StockPage />;
      case 'staff':
        return <StaffPage />;
      case 'targets':
        return <TargetsPage />;
      default:
        return <h1 tabIndex={-1}>{t('notFound')}</h1>;
    }
  })();
  return <RoleGate roles={['ADMIN']}>{page}</RoleGate>;
}

/** /board/* (admins) and /partners (partners and admins); the strings arrive with this chunk. */
export function BoardRoutes(props: { parts: string[] }): preact.JSX.Element {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    void strings.then(() => setReady(true));
  }, []);
  if (!ready) return <p role="status">…</p>;
  return <Page parts={props.parts} />;
}
