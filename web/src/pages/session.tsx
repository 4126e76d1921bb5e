import { useEffect } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { SessionPage as SessionQuery } from '../operations.js';
import { Link, t, useLanguage } from '../ui.js';
import { formatDate, formatTimeRange } from '../dates.js';

/** Live places: refetched every 15 s while visible, never faster than the gateway's public cache (2 s). */
export const LIVE_REFRESH_MS = 15_000;

export function SessionPage(props: { id: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [result, refetch] = useQuery({ query: SessionQuery, variables: { id: props.id } });
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refetch({ requestPolicy: 'network-only' });
    }, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);
  const s = result.data?.session;
  if (!s) return <p>{result.error ? t('common.network') : t('common.loading')}</p>;
  return (
    <>
      <h1>
        {t('session.title')}: {s.facility.name}
      </h1>
      <p>
        {formatDate(s.date, lang)} · {formatTimeRange(s.startTime, s.endTime, lang)} · {s.product?.name ?? '—'} · {s.facility.address}
      </p>
      {s.status !== 'OPEN' && <p>{t('session.closed')}</p>}
      <h2>{t('session.slots')}</h2>
      <p class="hint">{t('session.live')}</p>
      <ul class="slots" aria-live="polite">
        {s.slots.map((slot) => (
          <li key={slot.id} data-testid="slot">
            {slot.remainingPlaces > 0 && s.status === 'OPEN' ? (
              <Link href={`/book/${s.id}/${slot.id}`} class="button secondary">
                {t('session.book', { time: formatTimeRange(slot.startTime, slot.endTime, lang) })} ·{' '}
                {t('common.places', { count: slot.remainingPlaces })}
              </Link>
            ) : (
              <span>
                {formatTimeRange(slot.startTime, slot.endTime, lang)} · {t('common.full')}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p>
        <Link href="/">{t('common.back')}</Link>
      </p>
    </>
  );
}
