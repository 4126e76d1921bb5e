import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import { t, useLanguage } from '../../ui.js';
import type { BoardCoverageQuery } from './gql/graphql.js';
import { BoardChildIndicators, BoardCoverage, BoardDeliveries, BoardFilters, BoardProjectionLag, BoardStock } from './operations.js';
import { BoardNav, Cell, jakartaToday, num, pct, periodEnds } from './common.js';
import { LineChart } from './chart.js';

type CoverageRow = BoardCoverageQuery['coverage'][number];

/**
 * How many times the projections have caught up since the page opened: the numbers below the lag notice
 * are asked again each time, so the final ones replace those read while an import was still being counted.
 */
const CaughtUp = createContext(0);

/** Asks a query again (from the network) each time the projections catch up. */
function useRefetchWhenCaughtUp(refetch: (opts: { requestPolicy: 'network-only' }) => void): void {
  const caughtUp = useContext(CaughtUp);
  useEffect(() => {
    if (caughtUp > 0) refetch({ requestPolicy: 'network-only' });
  }, [caughtUp]);
}

export interface CoverageChoice {
  programme: string;
  dose: string;
}

/** Programmes and their dose kinds from the product catalogue, for the filters. */
export function useProgrammes(): { programmes: Map<string, string[]>; kecamatan: { code: string; name: string }[] } {
  const [res] = useQuery({ query: BoardFilters });
  return useMemo(() => {
    const programmes = new Map<string, string[]>();
    for (const p of res.data?.vaccineProducts ?? []) {
      const doses = programmes.get(p.programme) ?? [];
      for (const d of p.doseKinds) if (!doses.includes(d)) doses.push(d);
      programmes.set(p.programme, doses);
    }
    return { programmes, kecamatan: res.data?.areas ?? [] };
  }, [res.data]);
}

export function ProgrammeDoseFilter(props: { value: CoverageChoice; onChange: (v: CoverageChoice) => void; idPrefix: string }) {
  const { programmes } = useProgrammes();
  const doses = programmes.get(props.value.programme) ?? [props.value.dose];
  return (
    <>
      <label for={`${props.idPrefix}-programme`}>{t('board.programme')}</label>
      <select
        id={`${props.idPrefix}-programme`}
        value={props.value.programme}
        onChange={(e) => {
          const programme = e.currentTarget.value;
          props.onChange({ programme, dose: programmes.get(programme)?.[0] ?? props.value.dose });
        }}
      >
        {[...(programmes.size ? programmes.keys() : [props.value.programme])].map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <label for={`${props.idPrefix}-dose`}>{t('board.dose')}</label>
      <select
        id={`${props.idPrefix}-dose`}
        value={props.value.dose}
        onChange={(e) => props.onChange({ ...props.value, dose: e.currentTarget.value })}
      >
        {doses.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </>
  );
}

/** Coverage per kecamatan at each period end: one request per day, all at once. */
export function useCoverageHistory(choice: CoverageChoice, days: string[], parentCode?: string) {
  const client = useClient();
  const caughtUp = useContext(CaughtUp);
  const [state, setState] = useState<{ rows: CoverageRow[][]; error?: string; loading: boolean }>({ rows: [], loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    void Promise.all(
      days.map((asOf) =>
        client
          .query(
            BoardCoverage,
            { programme: choice.programme, dose: choice.dose, level: parentCode ? 'KELURAHAN' : 'KECAMATAN', parentCode, asOf },
            { requestPolicy: 'network-only' },
          )
          .toPromise(),
      ),
    ).then((results) => {
      if (!live) return;
      const failed = results.find((r) => r.error);
      setState({ rows: results.map((r) => r.data?.coverage ?? []), error: failed?.error?.message, loading: false });
    });
    return () => {
      live = false;
    };
  }, [client, choice.programme, choice.dose, parentCode, days.join(), caughtUp]);
  return state;
}

/** The recap table the city publishes: target (Dukcapil), achieved and percentage to two decimals. */
export function RecapTable(props: { rows: CoverageRow[]; id: string; caption: string }): preact.JSX.Element {
  const lang = useLanguage();
  return (
    <div class="table-wrap" tabIndex={0}>
      <table id={props.id} class="dense">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('board.area')}</th>
            <th scope="col" class="num">
              {t('board.target')}
            </th>
            <th scope="col" class="num">
              {t('board.achieved')}
            </th>
            <th scope="col" class="num">
              {t('board.percentage')}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.area.code} class={r.isTotal ? 'total' : undefined} data-testid="recap-row">
              <th scope="row">{r.isTotal ? t('board.cityTotal', { name: r.area.name }) : r.area.name}</th>
              <Cell value={num(r.target, lang)} />
              <Cell value={num(r.achieved, lang)} suppressed={r.suppressed} />
              <Cell value={pct(r.percentage, lang)} suppressed={r.suppressed && r.target !== null} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CoverageSection(props: { choice: CoverageChoice; days: string[]; chart?: boolean }): preact.JSX.Element {
  const lang = useLanguage();
  const { rows, error, loading } = useCoverageHistory(props.choice, props.days);
  const latest = rows[rows.length - 1] ?? [];
  const areas = latest.map((r) => r.area);
  const series = useMemo(
    () =>
      areas.map((a, i) => ({
        label: latest[i]!.isTotal ? t('board.cityTotal', { name: a.name }) : a.name,
        emphasis: latest[i]!.isTotal,
        values: rows.map((day) => day.find((r) => r.area.code === a.code)?.percentage ?? null),
      })),
    [rows, lang],
  );
  const title = `${props.choice.programme} ${props.choice.dose}`;
  return (
    <section aria-labelledby="coverage-title">
      <h2 id="coverage-title">{t('board.coverageTitle', { what: title })}</h2>
      {error && <p role="alert">{error}</p>}
      {loading && !rows.length ? (
        <p role="status">{t('board.loading')}</p>
      ) : (
        <>
          {props.chart !== false && latest.length > 0 && (
            <LineChart
              days={props.days}
              series={series}
              yLabel={t('board.percentage')}
              caption={t('board.coverageChart', { what: title })}
              describedBy="coverage-history"
              target={100}
            />
          )}
          <RecapTable rows={latest} id="coverage-recap" caption={t('board.recapCaption', { what: title, day: props.days.at(-1) })} />
          <div class="table-wrap" tabIndex={0}>
            <table id="coverage-history" class="dense">
              <caption>{t('board.historyCaption', { what: title })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('board.area')}</th>
                  {props.days.map((d) => (
                    <th scope="col" class="num" key={d}>
                      {d}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {series.map((s, i) => (
                  <tr key={s.label} class={latest[i]?.isTotal ? 'total' : undefined}>
                    <th scope="row">{s.label}</th>
                    {s.values.map((v, j) => (
                      <Cell key={props.days[j]} value={pct(v, lang)} suppressed={rows[j]?.[i]?.suppressed} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function ChildSection(props: { cohort: number; parentCode?: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [res, refetch] = useQuery({
    query: BoardChildIndicators,
    variables: { cohort: props.cohort, level: props.parentCode ? 'KELURAHAN' : 'KECAMATAN', parentCode: props.parentCode },
  });
  useRefetchWhenCaughtUp(refetch);
  const rows = res.data?.childIndicators ?? [];
  const threshold = rows[0]?.uciThreshold;
  return (
    <div class="table-wrap" tabIndex={0}>
      {res.error && <p role="alert">{res.error.message}</p>}
      <table class="dense" id="child-indicators">
        <caption>{t('board.childCaption', { cohort: props.cohort, threshold: threshold ?? '–' })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('board.area')}</th>
            <th scope="col" class="num">
              {t('board.children')}
            </th>
            <th scope="col" class="num">
              IDL
            </th>
            <th scope="col" class="num">
              IDL %
            </th>
            <th scope="col" class="num">
              IBL
            </th>
            <th scope="col" class="num">
              IBL %
            </th>
            <th scope="col" class="num">
              DPT-HB-Hib 1
            </th>
            <th scope="col" class="num">
              MR 1
            </th>
            <th scope="col" class="num">
              {t('board.dropout')}
            </th>
            <th scope="col">UCI</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.area.code} class={r.isTotal ? 'total' : undefined}>
              <th scope="row">{r.isTotal ? t('board.cityTotal', { name: r.area.name }) : r.area.name}</th>
              <Cell value={num(r.children, lang)} suppressed={r.suppressed} />
              <Cell value={num(r.idl, lang)} suppressed={r.suppressed} />
              <Cell value={pct(r.idlRate, lang)} suppressed={r.suppressed} />
              <Cell value={num(r.ibl, lang)} suppressed={r.suppressed} />
              <Cell value={pct(r.iblRate, lang)} suppressed={r.suppressed} />
              <Cell value={num(r.dpt1, lang)} suppressed={r.suppressed} />
              <Cell value={num(r.mr1, lang)} suppressed={r.suppressed} />
              <td class={`num${r.dropoutRate !== null && r.dropoutRate > 5 ? ' warn' : ''}`}>{pct(r.dropoutRate, lang)}</td>
              <td>
                {r.uci === null ? (r.isTotal || !props.parentCode ? '' : t('board.suppressed')) : r.uci ? t('board.yes') : t('board.no')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function StockSection(props: { compact?: boolean }): preact.JSX.Element {
  const lang = useLanguage();
  const [res, refetch] = useQuery({ query: BoardStock, variables: { withinDays: 30 } });
  useRefetchWhenCaughtUp(refetch);
  const board = res.data?.stockBoard;
  const stockOuts = (board?.facilities ?? []).flatMap((f) =>
    f.totals.filter((s) => s.usableDoses === 0 && (s.dailyUseRate > 0 || s.stockOutDays > 0)).map((s) => ({ f, s })),
  );
  return (
    <section aria-labelledby="stock-title">
      <h2 id="stock-title">{t('board.stockTitle')}</h2>
      {res.error && <p role="alert">{res.error.message}</p>}
      <div class="table-wrap" tabIndex={0}>
        <table class="dense" id="stock-city">
          <caption>{t('board.stockCaption', { day: board?.today ?? '', days: board?.useRateDays ?? '' })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.product')}</th>
              <th scope="col" class="num">
                {t('board.usable')}
              </th>
              <th scope="col" class="num">
                {t('board.dailyUse')}
              </th>
              <th scope="col" class="num">
                {t('board.daysLeft')}
              </th>
              <th scope="col" class="num">
                {t('board.stockOutDays')}
              </th>
              <th scope="col" class="num">
                {t('board.facilitiesOut')}
              </th>
            </tr>
          </thead>
          <tbody>
            {(board?.city ?? []).map((s) => (
              <tr key={s.productCode} data-testid="stock-row">
                <th scope="row">{s.productCode}</th>
                <td class="num">{num(s.usableDoses, lang)}</td>
                <td class="num">{num(s.dailyUseRate, lang, 1)}</td>
                <td class={`num${s.daysOfStockLeft !== null && s.daysOfStockLeft < 7 ? ' warn' : ''}`}>
                  {num(s.daysOfStockLeft, lang, 1)}
                </td>
                <td class="num">{num(s.stockOutDays, lang)}</td>
                <td class="num">{num(s.facilitiesStockedOut, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class={props.compact ? 'cols' : undefined}>
        <div class="table-wrap" tabIndex={0}>
          <table class="dense" id="expiring">
            <caption>{t('board.expiringCaption', { days: 30 })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.facility')}</th>
                <th scope="col">{t('board.lot')}</th>
                <th scope="col" class="num">
                  {t('board.doses')}
                </th>
                <th scope="col">{t('board.expiry')}</th>
              </tr>
            </thead>
            <tbody>
              {(res.data?.expiringLots ?? []).map((e) => (
                <tr key={`${e.lot.id}:${e.facilityId}`} data-testid="expiring-row">
                  <td>{e.facility.name}</td>
                  <td>
                    {e.lot.productCode} {e.lot.lotNumber}
                  </td>
                  <td class="num">{num(e.doses, lang)}</td>
                  <td>{t('board.expiresIn', { day: e.expiryDate, days: e.daysToExpiry })}</td>
                </tr>
              ))}
              {res.data && res.data.expiringLots.length === 0 && (
                <tr>
                  <td colSpan={4}>{t('board.none')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div class="table-wrap" tabIndex={0}>
          <table class="dense" id="stock-outs">
            <caption>{t('board.stockOutsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.facility')}</th>
                <th scope="col">{t('board.product')}</th>
                <th scope="col" class="num">
                  {t('board.stockOutDays')}
                </th>
              </tr>
            </thead>
            <tbody>
              {stockOuts.map(({ f, s }) => (
                <tr key={`${f.facilityId}:${s.productCode}`} data-testid="stock-out-row">
                  <td>{f.facilityName}</td>
                  <td>{s.productCode}</td>
                  <td class="num">{num(s.stockOutDays, lang)}</td>
                </tr>
              ))}
              {res.data && stockOuts.length === 0 && (
                <tr>
                  <td colSpan={3}>{t('board.none')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

function DeliveriesSection(): preact.JSX.Element {
  const lang = useLanguage();
  const [res, refetch] = useQuery({ query: BoardDeliveries, requestPolicy: 'network-only' });
  const h = res.data?.nationalDeliveryHealth;
  const failed = res.data
    ? [res.data.admin.booking, res.data.admin.immunization, res.data.admin.inventory, res.data.admin.reporting]
        .flatMap((service) => service.deadLetters.edges.map((e) => e.node))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    : [];
  return (
    <section aria-labelledby="delivery-title">
      <h2 id="delivery-title">{t('board.deliveryTitle')}</h2>
      {res.error && <p role="alert">{res.error.message}</p>}
      {h && (
        <dl class="figures" data-testid="delivery-health">
          <div>
            <dt>{t('board.backlog')}</dt>
            <dd>{num(h.backlog, lang)}</dd>
          </div>
          <div>
            <dt>{t('board.failing')}</dt>
            <dd>{num(h.failing, lang)}</dd>
          </div>
          <div>
            <dt>{t('board.failedNational')}</dt>
            <dd>{num(h.failed, lang)}</dd>
          </div>
          <div>
            <dt>{t('board.oldest')}</dt>
            <dd>{t('board.minutes', { n: num(h.oldestPendingSeconds / 60, lang, 0) })}</dd>
          </div>
          <div>
            <dt>{t('board.deliveryState')}</dt>
            <dd class={h.degraded ? 'warn' : undefined}>
              {!h.deliveryOn ? t('board.deliveryOff') : h.degraded ? t('board.degraded') : t('board.flowing')}
            </dd>
          </div>
        </dl>
      )}
      <div class="table-wrap" tabIndex={0}>
        <table class="dense" id="failed-deliveries">
          <caption>
            {t('board.failedEvents', { n: failed.length })}{' '}
            <button type="button" class="link no-print" onClick={() => refetch({ requestPolicy: 'network-only' })}>
              {t('board.refresh')}
            </button>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('board.service')}</th>
              <th scope="col">{t('board.event')}</th>
              <th scope="col" class="num">
                {t('board.attempts')}
              </th>
              <th scope="col">{t('board.error')}</th>
              <th scope="col">{t('board.since')}</th>
            </tr>
          </thead>
          <tbody>
            {failed.slice(0, 20).map((d) => (
              <tr key={`${d.service}:${d.id}`}>
                <td>{d.service}</td>
                <td>
                  {d.type} ({d.consumer})
                </td>
                <td class="num">{d.attempts}</td>
                <td>{d.error}</td>
                <td>{d.createdAt.slice(0, 16).replace('T', ' ')}</td>
              </tr>
            ))}
            {res.data && failed.length === 0 && (
              <tr>
                <td colSpan={5}>{t('board.none')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The city dashboard (admins): coverage over time, child indicators, stock and national delivery. */
/** How often the lag is asked while the numbers catch up, and while they are current. */
const LAG_POLL_BEHIND_MS = 5_000;
const LAG_POLL_CURRENT_MS = 30_000;

/**
 * While reporting's or inventory's projections are behind the event log (after a bulk import, for
 * minutes), the numbers below are not final: the page says so and how far, until they have caught up.
 * The live region stays in the page so that the change is announced.
 */
export function ProjectionLagNotice(props: { onCaughtUp?: () => void }): preact.JSX.Element {
  const lang = useLanguage();
  const [res, refetch] = useQuery({ query: BoardProjectionLag, requestPolicy: 'network-only' });
  const behind = Math.max(res.data?.projectionLag ?? 0, res.data?.inventoryLag ?? 0);
  // From behind to caught up: the page's numbers are asked again.
  const wasBehind = useRef(false);
  useEffect(() => {
    if (!res.data) return;
    if (wasBehind.current && behind === 0) props.onCaughtUp?.();
    wasBehind.current = behind > 0;
  }, [res.data, behind]);
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), behind > 0 ? LAG_POLL_BEHIND_MS : LAG_POLL_CURRENT_MS);
    return () => clearInterval(timer);
  }, [refetch, behind > 0]);
  return (
    <div role="status" class="lag-notice" data-testid="projection-lag">
      {behind > 0 && <p>{t('board.lagging', { count: behind, n: num(behind, lang) })}</p>}
    </div>
  );
}

export function DashboardPage(): preact.JSX.Element {
  const [caughtUp, setCaughtUp] = useState(0);
  return (
    <CaughtUp.Provider value={caughtUp}>
      <Dashboard onCaughtUp={() => setCaughtUp((n) => n + 1)} />
    </CaughtUp.Provider>
  );
}

function Dashboard(props: { onCaughtUp: () => void }): preact.JSX.Element {
  useLanguage();
  const today = jakartaToday();
  const days = useMemo(() => periodEnds(today, 5), [today]);
  const [choice, setChoice] = useState<CoverageChoice>({ programme: 'COVID19', dose: 'BOOSTER_1' });
  const [cohort, setCohort] = useState(Number(today.slice(0, 4)) - 1);
  const [kecamatan, setKecamatan] = useState('');
  const { kecamatan: areas } = useProgrammes();
  return (
    <div class="board">
      <BoardNav current="/board" />
      <h1 tabIndex={-1}>{t('board.dashboardTitle')}</h1>
      <ProjectionLagNotice onCaughtUp={props.onCaughtUp} />
      <form class="filters no-print" onSubmit={(e) => e.preventDefault()}>
        <ProgrammeDoseFilter value={choice} onChange={setChoice} idPrefix="cov" />
      </form>
      <CoverageSection choice={choice} days={days} />
      <section aria-labelledby="child-title">
        <h2 id="child-title">{t('board.childTitle')}</h2>
        <form class="filters no-print" onSubmit={(e) => e.preventDefault()}>
          <label for="cohort">{t('board.cohort')}</label>
          <input
            id="cohort"
            class="w4"
            type="number"
            min={2000}
            max={2100}
            value={cohort}
            onChange={(e) => setCohort(Number(e.currentTarget.value))}
          />
          <label for="child-kecamatan">{t('board.kecamatan')}</label>
          <select id="child-kecamatan" value={kecamatan} onChange={(e) => setKecamatan(e.currentTarget.value)}>
            <option value="">{t('board.allKecamatan')}</option>
            {areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </form>
        <ChildSection cohort={cohort} parentCode={kecamatan || undefined} />
      </section>
      <StockSection />
      <DeliveriesSection />
    </div>
  );
}

/** Today's board as the office posts it: one printable page, no controls. */
export function PublishPage(): preact.JSX.Element {
  useLanguage();
  const today = jakartaToday();
  const days = useMemo(() => periodEnds(today, 5), [today]);
  return (
    <div class="board publish">
      <BoardNav current="/board/publish" />
      <h1 tabIndex={-1}>{t('board.publishTitle', { day: today })}</h1>
      <p class="no-print">
        <button type="button" class="button" onClick={() => window.print()}>
          {t('board.print')}
        </button>
      </p>
      <CoverageSection choice={{ programme: 'COVID19', dose: 'BOOSTER_1' }} days={days} />
      <StockSection compact />
      <p class="source">{t('board.source')}</p>
    </div>
  );
}
