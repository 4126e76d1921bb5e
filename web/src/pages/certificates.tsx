import { useEffect, useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { auth } from '../auth.js';
import { healthCardSvg } from '../certs/qr-svg.js';
import { CertificatePeople, PersonHealthCards } from '../certs/operations.js';
import { Link, t, useLanguage } from '../ui.js';
import { useSession } from '../session.js';

interface CardView {
  id: string;
  kind: string;
  issuedAt: string;
  qr: string;
  holderName: string;
  holderBirthDate: string;
  doses: {
    vaccine: string;
    lotNumber: string;
    date: string;
    doseNumber: number;
    totalDoses: number;
    centre: string;
    nextDose?: string | null;
    declared: boolean;
  }[];
}

function Qr(props: { qr: string; name: string }): preact.JSX.Element {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    void healthCardSvg(props.qr).then(setSvg);
  }, [props.qr]);
  // The SVG is our own QR encoder's output, not user content.
  return <div class="qr" role="img" aria-label={t('certs.qrLabel', { name: props.name })} dangerouslySetInnerHTML={{ __html: svg }} />;
}

/** The PDF comes from the edge with the signed-in token; a blob link saves it under the server's file name. */
async function downloadPdf(id: string): Promise<boolean> {
  const token = auth.token();
  const res = await fetch(`/certificates/${id}.pdf`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => undefined);
  if (!res?.ok) return false;
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `sertifikat-${id}.pdf`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

function Card(props: { card: CardView }): preact.JSX.Element {
  const { card } = props;
  const [failed, setFailed] = useState(false);
  return (
    <article class="card certificate" data-testid="certificate" data-kind={card.kind}>
      <h3>{t(`certs.kind.${card.kind}`)}</h3>
      <p>
        <strong data-testid="holder">{card.holderName}</strong> · {card.holderBirthDate}
      </p>
      <Qr qr={card.qr} name={card.holderName} />
      <ul>
        {card.doses.map((d) => (
          <li key={`${d.vaccine}-${d.date}`}>
            {d.date} · {d.vaccine} · {t('certs.dose', { n: d.doseNumber, total: d.totalDoses })} · {t('certs.lot', { lot: d.lotNumber })} ·{' '}
            {d.centre}
            {d.declared ? ` · ${t('certs.declared')}` : ''}
            {d.nextDose ? ` · ${t('certs.next', { date: d.nextDose })}` : ''}
          </li>
        ))}
      </ul>
      <p class="no-print">
        <button type="button" class="button" onClick={() => void downloadPdf(card.id).then((ok) => setFailed(!ok))}>
          {t('certs.download')}
        </button>{' '}
        <button type="button" class="link" onClick={() => window.print()}>
          {t('certs.print')}
        </button>
      </p>
      {failed ? <p role="alert">{t('certs.downloadFailed')}</p> : null}
    </article>
  );
}

/** How often a person's cards are asked for again while there are none yet or the last answer failed. */
const RECHECK_MS = 5_000;

function PersonCards(props: { personId: string; name?: string }): preact.JSX.Element {
  const [r, reexecute] = useQuery({ query: PersonHealthCards, variables: { personId: props.personId } });
  // A card is issued in the dose's own transaction, but this page may be open before the dose is recorded (the
  // nurse opens it at the desk, then records), or its first answer may have failed (network, a token being
  // refreshed): ask again until there is a card, so it shows without a reload.
  const waiting = !!r.error || (!!r.data && r.data.healthCards.length === 0);
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), RECHECK_MS);
    return () => clearInterval(timer);
  }, [waiting, reexecute]);
  if (r.error && !r.data) return <p role="alert">{r.error.graphQLErrors[0]?.message ?? t('common.network')}</p>;
  if (!r.data) return <p>{t('common.loading')}</p>;
  return (
    <section>
      {props.name ? <h2>{props.name}</h2> : null}
      {r.data.healthCards.length === 0 ? (
        <p role="status" data-testid="no-certificates">
          {t('certs.none')} {t('certs.checkingAgain')}
        </p>
      ) : null}
      {r.data.healthCards.map((c) => (
        <Card key={c.id} card={c} />
      ))}
    </section>
  );
}

/** Citizens and guardians: their own and their children's cards. Staff: /certificates/<personId>, to print at the desk. */
export function CertificatesPage(props: { personId?: string | undefined }): preact.JSX.Element {
  useLanguage();
  const signedIn = !!useSession();
  const [people] = useQuery({ query: CertificatePeople, pause: !signedIn || !!props.personId });
  if (!signedIn)
    return (
      <>
        <h1 tabIndex={-1}>{t('certs.title')}</h1>
        <p>{t('certs.needSignIn')}</p>
        <Link href="/sign-in" class="button">
          {t('certs.signIn')}
        </Link>
      </>
    );
  const list = props.personId
    ? [{ id: props.personId, fullName: undefined }]
    : [...(people.data?.myPerson ? [people.data.myPerson] : []), ...(people.data?.myDependants ?? [])];
  return (
    <>
      <h1 tabIndex={-1}>{t('certs.title')}</h1>
      <p class="no-print">{t('certs.intro')}</p>
      {!props.personId && !people.data ? <p>{t('common.loading')}</p> : null}
      {list.map((p) => (
        <PersonCards key={p.id} personId={p.id} name={p.fullName} />
      ))}
    </>
  );
}
