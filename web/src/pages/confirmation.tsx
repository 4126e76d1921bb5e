import { renderSVG } from 'uqr';
import { recall } from '../slip.js';
import { Link, t, useLanguage } from '../ui.js';
import { formatDate, formatTimeRange } from '../dates.js';

export function ConfirmationPage(props: { id: string }): preact.JSX.Element {
  const lang = useLanguage();
  const a = recall()[props.id];
  if (!a) return <p>{t('notFound')}</p>;
  const svg = renderSVG(a.slipCode, { ecc: 'M', border: 2 });
  return (
    <>
      <div class="panel" role="region" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{t('confirm.title')}</h1>
        <p>{t('confirm.slip')}</p>
        <p class="slip" data-testid="slip-code">
          {a.slipCode}
        </p>
      </div>
      <div class="qr" role="img" aria-label={t('confirm.qr', { code: a.slipCode })} dangerouslySetInnerHTML={{ __html: svg }} />
      <dl class="summary">
        <dt>{t('confirm.person')}</dt>
        <dd>{a.fullName}</dd>
        <dt>{t('confirm.date')}</dt>
        <dd data-testid="confirm-date">{formatDate(a.sessionDate, lang)}</dd>
        <dt>{t('confirm.time')}</dt>
        <dd>{formatTimeRange(a.slot.startTime, a.slot.endTime, lang)}</dd>
        <dt>{t('confirm.place')}</dt>
        <dd>
          {a.facility.name}, {a.facility.address}
        </dd>
        <dt>{t('confirm.queue')}</dt>
        <dd data-testid="queue-number">{a.queueNumber}</dd>
        {a.doses && a.doses.length > 0 && (
          <>
            <dt>{t('citizen.vaccines')}</dt>
            <dd data-testid="visit-vaccines">
              {a.doses.length === 1 && a.product
                ? `${a.product.name} · ${t(`dose.${a.doseKind}`, { defaultValue: a.doseKind })}`
                : a.doses.map((d) => t(`dose.${d.doseKind}`, { defaultValue: d.doseKind })).join(', ')}
            </dd>
          </>
        )}
      </dl>
      <h2>{t('confirm.bring')}</h2>
      <ul>
        <li>{t('confirm.bring1')}</li>
        <li>{t('confirm.bring2')}</li>
        <li>{t('confirm.bring3')}</li>
      </ul>
      <p>
        {a.forChild ? (
          <Link href="/children" class="button secondary">
            {t('citizen.anotherChild')}
          </Link>
        ) : (
          <Link href={`/book/${a.sessionId}/${a.slot.id}`} class="button secondary">
            {t('confirm.family')}
          </Link>
        )}
      </p>
      <p>
        <Link href="/appointments">{t('confirm.mine')}</Link>
      </p>
    </>
  );
}
