import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { FindCentres, KecamatanList, KelurahanList } from '../operations.js';
import { Link, t, useLanguage } from '../ui.js';
import { centreCards, todayInJakarta } from '../centres.js';

export function FindPage(): preact.JSX.Element {
  useLanguage();
  const params = new URLSearchParams(location.search);
  const [kecamatan, setKecamatan] = useState(params.get('kecamatan') ?? '');
  const [kelurahan, setKelurahan] = useState(params.get('kelurahan') ?? '');
  const [kecs] = useQuery({ query: KecamatanList });
  const [kels] = useQuery({ query: KelurahanList, variables: { parentCode: kecamatan }, pause: !kecamatan });
  const [centres] = useQuery({
    query: FindCentres,
    variables: { kecamatanCode: kecamatan || null, kelurahanCode: kelurahan || null, dateFrom: todayInJakarta() },
    pause: !kecamatan,
  });
  const cards = centres.data ? centreCards(centres.data) : [];
  const choose = (kec: string, kel: string): void => {
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
      {!kecamatan && <p>{t('find.choose')}</p>}
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
            </p>
            <dl>
              <dt>{t('find.hours')}</dt>
              <dd>{c.hours.map((h) => `${t(`weekday.${h.weekday}`)} ${h.opens}–${h.closes}`).join(', ') || t('common.none')}</dd>
              <dt>{t('find.programmes')}</dt>
              <dd>{c.programmes.join(', ') || t('common.none')}</dd>
              <dt>{t('find.products')}</dt>
              <dd>{c.products.join(', ') || t('common.none')}</dd>
              <dt>{t('find.nextSlot')}</dt>
              <dd>{c.next ? `${c.next.date} ${c.next.startTime}` : t('find.noPlaces')}</dd>
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
                        {s.date} {s.startTime}–{s.endTime} · {s.product} · {t('common.places', { count: s.remainingPlaces })}
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
