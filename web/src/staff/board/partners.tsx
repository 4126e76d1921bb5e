import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { auth } from '../../auth.js';
import { t, useLanguage } from '../../ui.js';
import { BoardCoverage } from './operations.js';
import { jakartaToday, Status } from './common.js';
import { BoardNav } from './common.js';
import { ChildSection, ProgrammeDoseFilter, RecapTable, useProgrammes, type CoverageChoice } from './dashboard.js';

/** The file name the server gave (Content-Disposition), else the fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}

/**
 * Downloads an export as a file. A plain link cannot carry the bearer token (it lives in memory only),
 * so the page fetches the file with it and hands the browser a blob under the server's file name.
 */
async function download(path: string): Promise<string> {
  const token = auth.token();
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { errors?: { message: string }[] } | undefined;
    throw new Error(body?.errors?.[0]?.message ?? `HTTP ${res.status}`);
  }
  const name = filenameOf(res.headers.get('content-disposition'), path.split('/').pop()!.split('?')[0]!);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

const query = (params: Record<string, string | number | undefined>): string =>
  new URLSearchParams(
    Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

/** Partners (and admins): coverage per area, programme, dose and day, suppressed cells shown as such, and the files. */
export function PartnersPage(props: { admin: boolean }): preact.JSX.Element {
  useLanguage();
  const today = jakartaToday();
  const { kecamatan } = useProgrammes();
  const [choice, setChoice] = useState<CoverageChoice>({ programme: 'COVID19', dose: 'BOOSTER_1' });
  const [asOf, setAsOf] = useState(today);
  const [parent, setParent] = useState('');
  const [cohort, setCohort] = useState(Number(today.slice(0, 4)) - 1);
  const [status, setStatus] = useState<string>();
  const level = parent ? 'KELURAHAN' : 'KECAMATAN';
  const [res] = useQuery({
    query: BoardCoverage,
    variables: { ...choice, level, parentCode: parent || undefined, asOf },
  });
  const rows = res.data?.coverage ?? [];
  const suppressed = rows.filter((r) => r.suppressed).length;
  const coverageQuery = query({ programme: choice.programme, dose: choice.dose, level, parentCode: parent, asOf });
  const childQuery = query({ cohort, level, parentCode: parent });
  const get = async (path: string) => {
    setStatus(t('board.downloading'));
    try {
      setStatus(t('board.downloaded', { name: await download(path) }));
    } catch (error) {
      setStatus((error as Error).message);
    }
  };
  return (
    <div class="board">
      {props.admin && <BoardNav current="/partners" />}
      <h1 tabIndex={-1}>{t('board.partnersTitle')}</h1>
      <Status message={status} />
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <ProgrammeDoseFilter value={choice} onChange={setChoice} idPrefix="p" />
        <label for="p-area">{t('board.area')}</label>
        <select id="p-area" value={parent} onChange={(e) => setParent(e.currentTarget.value)}>
          <option value="">{t('board.perKecamatan')}</option>
          {kecamatan.map((a) => (
            <option key={a.code} value={a.code}>
              {t('board.kelurahanOf', { name: a.name })}
            </option>
          ))}
        </select>
        <label for="p-asof">{t('board.asOf')}</label>
        <input id="p-asof" type="date" max={today} value={asOf} onInput={(e) => e.currentTarget.value && setAsOf(e.currentTarget.value)} />
      </form>
      {res.error && <p role="alert">{res.error.message}</p>}
      <p class="hint">{t('board.suppressedNote', { n: suppressed })}</p>
      <RecapTable
        rows={rows}
        id="partner-coverage"
        caption={t('board.recapCaption', { what: `${choice.programme} ${choice.dose}`, day: asOf })}
      />
      <p class="actions">
        <button type="button" class="button secondary" onClick={() => void get(`/exports/coverage.csv?${coverageQuery}`)}>
          {t('board.downloadCsv')}
        </button>{' '}
        <button type="button" class="button secondary" onClick={() => void get(`/exports/coverage.dhis2.json?${coverageQuery}`)}>
          {t('board.downloadDhis2')}
        </button>
      </p>
      <section aria-labelledby="p-child-title">
        <h2 id="p-child-title">{t('board.childTitle')}</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label for="p-cohort">{t('board.cohort')}</label>
          <input
            id="p-cohort"
            class="w4"
            type="number"
            min={2000}
            max={2100}
            value={cohort}
            onChange={(e) => setCohort(Number(e.currentTarget.value))}
          />
        </form>
        <ChildSection cohort={cohort} parentCode={parent || undefined} />
        <p class="actions">
          <button type="button" class="button secondary" onClick={() => void get(`/exports/child-indicators.csv?${childQuery}`)}>
            {t('board.downloadCsv')}
          </button>{' '}
          <button type="button" class="button secondary" onClick={() => void get(`/exports/child-indicators.dhis2.json?${childQuery}`)}>
            {t('board.downloadDhis2')}
          </button>
        </p>
      </section>
    </div>
  );
}
