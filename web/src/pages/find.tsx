import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { FindCentres, KecamatanList, KelurahanList } from '../operations.js';
import { Link, t, useLanguage } from '../ui.js';
import { centreCards, todayInJakarta } from '../centres.js';
import { formatDate, formatTime, formatTimeRange } from '../dates.js';
import { byDistance, formatDistance, locate, type Position } from '../near.js';

const canLocate = typeof navigator !== 'undefined' && 'geolocation' in navigator;

export function FindPage(): preact.JSX.Element {
  const lang = useLanguage();
  const params = new URLSearchParams(location.search);
  const [kecamatan, setKecamatan] = useState(params.get('kecamatan') ?? '');
  const [kelurahan, setKelurahan] = useState(params.get('kelurahan') ?? '');
  // Near me: the whole city, nearest first; choosing a district goes back to that district's list.
  const [near, setNear] = useState<Position | undefined>();
  const [locating, setLocating] = useState(false);
  const [locateFailed, setLocateFailed] = useState<'denied' | 'unavailable' | undefined>();
  const [kecs] = useQuery({ query: KecamatanList });
  const [kels] = useQuery({ query: KelurahanList, variables: { parentCode: kecamatan }, pause: !kecamatan });
  const [centres] = useQuery({
    query: FindCentres,
    variables: near
      ? { kecamatanCode: null, kelurahanCode: null, dateFrom: todayInJakarta() }
      : { kecamatanCode: kecamatan || null, kelurahanCode: kelurahan || null, dateFrom: todayInJakarta() },
    pause: !kecamatan && !near,
  });
  const listed = centres.data ? centreCards(centres.data) : [];
  const cards = near ? byDistance(listed, near) : listed.map((c) => ({ ...c, distanceKm: undefined }));
  const nearMe = async (): Promise<void> => {
    setLocating(true);
    setLocateFailed(undefined);
    const r = await locate();
    setLocating(false);
    if (r.ok) {
      setNear(r.position);
      setKecamatan('');
      setKelurahan('');
      history.replaceState(null, '', '/');
    } else setLocateFailed(r.reason);
  };
  const choose = (kec: string, kel: string): void => {
    setNear(undefined);
    setKecamatan(kec);
    setKelurahan(kel);
    const q = new URLSearchParams();
    if (kec) q.set('kecamatan', kec);
    if (kel) q.set('kelurahan', kel);
    history.replaceState(null, '', `/${q.size ? `?${q}` : ''}`);
  };
  return (
    <>
      <h1>{t('find.title')}</h1>
      <div class="filters">
        <div class="field">
          <label for="kecamatan">{t('find.kecamatan')}</label>
          <select id="kecamatan" value={kecamatan} onChange={(e) => choose(e.currentTarget.value, '')}>
            <option value="">{t('book.chooseKecamatan')}</option>
            {kecs.data?.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="kelurahan">{t('find.kelurahan')}</label>
          <select id="kelurahan" value={kelurahan} disabled={!kecamatan} onChange={(e) => choose(kecamatan, e.currentTarget.value)}>
            <option value="">{t('find.all')}</option>
            {kels.data?.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {canLocate && (
        <p>
          <button type="button" class="button secondary" onClick={() => void nearMe()} disabled={locating} data-testid="near-me">
            {locating ? t('citizen.locating') : t('citizen.nearMe')}
          </button>
        </p>
      )}
      {locateFailed && (
        <p class="notice" role="status" data-testid="near-failed">
          {t(locateFailed === 'denied' ? 'citizen.locationDenied' : 'citizen.locationUnavailable')}
        </p>
      )}
      {near && <p data-testid="near-active">{t('citizen.nearShown')}</p>}
      {!kecamatan && !near && <p>{t('find.choose')}</p>}
      {centres.fetching && !centres.data && <p>{t('common.loading')}</p>}
      {centres.data && (
        <p aria-live="polite" data-testid="centre-count">
          {t('find.count', { count: cards.length })}
        </p>
      )}
      <ul class="cards">
        {cards.map((c) => (
          <li key={c.id} class="card" data-testid="centre">
            <h2>{c.name}</h2>
            <p>
              {c.address} · {c.areaName}
              {c.distanceKm !== undefined && (
                <>
                  {' · '}
                  <span data-testid="distance">{t('citizen.distance', { distance: formatDistance(c.distanceKm, lang) })}</span>
                </>
              )}
            </p>
            <dl>
              <dt>{t('find.hours')}</dt>
              <dd>
                {c.hours.map((h) => `${t(`weekday.${h.weekday}`)} ${formatTimeRange(h.opens, h.closes, lang)}`).join(', ') ||
                  t('common.none')}
              </dd>
              <dt>{t('find.programmes')}</dt>
              <dd>{c.programmes.join(', ') || t('common.none')}</dd>
              <dt>{t('find.products')}</dt>
              <dd>{c.products.join(', ') || t('common.none')}</dd>
              <dt>{t('find.nextSlot')}</dt>
              <dd>{c.next ? `${formatDate(c.next.date, lang)} ${formatTime(c.next.startTime, lang)}` : t('find.noPlaces')}</dd>
              <dt>{t('find.served')}</dt>
              <dd>{c.served}</dd>
            </dl>
            {c.sessions.length > 0 && (
              <>
                <h3>{t('find.sessions')}</h3>
                <ul>
                  {c.sessions.map((s) => (
                    <li key={s.id}>
                      <Link href={`/session/${s.id}`}>
                        {formatDate(s.date, lang)} {formatTimeRange(s.startTime, s.endTime, lang)} · {s.product} ·{' '}
                        {t('common.places', { count: s.remainingPlaces })}
                      </Link>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
