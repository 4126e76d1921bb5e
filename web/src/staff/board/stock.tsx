import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { Mistakes } from '../../errors.js';
import { ErrorSummary, t, useLanguage } from '../../ui.js';
import { AdminFacilities, AdminLots, BoardFilters, PhysicalCount, ReceiveStock, TransferStock } from './operations.js';
import { BoardNav, Status } from './common.js';
import { Field, mistakesOf, noMistakes } from './form.js';

const whole = (s: string): number | undefined => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** API mistakes plus the numbers this form could not read, every one at once. */
function combine(api: Mistakes, numbers: Record<string, string>): Mistakes {
  const local = Object.entries(numbers)
    .filter(([, v]) => whole(v) === undefined)
    .map(([field]) => ({ field, message: t('board.wholeNumber') }));
  return { fields: [...local, ...api.fields.filter((f) => !local.some((l) => l.field === f.field))], general: api.general };
}

type Kind = 'receive' | 'transfer' | 'count';

/** Stock at one facility (admins): receipt into the city store, transfer to another facility, physical count. */
export function StockPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [facilities] = useQuery({ query: AdminFacilities });
  const [filters] = useQuery({ query: BoardFilters });
  const all = facilities.data?.facilities.edges.map((e) => e.node) ?? [];
  const store = all.find((f) => f.type === 'CITY_STORE');
  const [facilityId, setFacilityId] = useState('');
  const chosen = facilityId || store?.id || '';
  const [lots, refetchLots] = useQuery({
    query: AdminLots,
    variables: { facilityId: chosen },
    pause: !chosen,
    requestPolicy: 'cache-and-network',
  });
  const [kind, setKind] = useState<Kind>('receive');
  const [status, setStatus] = useState<string>();
  const [mistakes, setMistakes] = useState<Mistakes>(noMistakes);
  const [v, setV] = useState({
    productCode: '',
    lotNumber: '',
    expiryDate: '',
    manufacturer: '',
    doses: '',
    lotId: '',
    toFacilityId: '',
    counted: '',
    note: '',
  });
  const held = (lots.data?.lots.edges.map((e) => e.node) ?? []).map((l) => ({
    ...l,
    balance: l.holdings.find((h) => h.facilityId === chosen)?.balance ?? 0,
  }));
  const set = (name: keyof typeof v) => (e: Event) => setV({ ...v, [name]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setStatus(undefined);
    if (kind === 'receive') {
      const r = await client
        .mutation(ReceiveStock, {
          input: {
            productCode: v.productCode,
            lotNumber: v.lotNumber,
            expiryDate: v.expiryDate,
            manufacturer: v.manufacturer || null,
            doses: whole(v.doses) ?? 0,
            note: v.note || null,
          },
        })
        .toPromise();
      setMistakes(combine(mistakesOf(r.error, lang), { doses: v.doses }));
      if (r.data && whole(v.doses) !== undefined) setStatus(t('board.received', { lot: r.data.receiveStock.lot.lotNumber, n: v.doses }));
    } else if (kind === 'transfer') {
      const r = await client
        .mutation(TransferStock, {
          input: { fromFacilityId: chosen, toFacilityId: v.toFacilityId, lotId: v.lotId, doses: whole(v.doses) ?? 0, note: v.note || null },
        })
        .toPromise();
      setMistakes(combine(mistakesOf(r.error, lang), { doses: v.doses }));
      if (r.data && whole(v.doses) !== undefined)
        setStatus(t('board.transferred', { lot: r.data.transferStock.lot.lotNumber, n: v.doses }));
    } else {
      const r = await client
        .mutation(PhysicalCount, {
          input: { facilityId: chosen, lotId: v.lotId, countedDoses: whole(v.counted) ?? -1, note: v.note || null },
        })
        .toPromise();
      setMistakes(combine(mistakesOf(r.error, lang), { countedDoses: v.counted }));
      if (r.data && whole(v.counted) !== undefined)
        setStatus(t('board.counted', { lot: r.data.recordPhysicalCount.lot.lotNumber, n: v.counted }));
    }
    refetchLots({ requestPolicy: 'network-only' });
  };
  const lotSelect = (
    <Field name="lotId" id="st-lot" label={t('board.lot')} mistakes={mistakes}>
      <select id="st-lot" value={v.lotId} onChange={set('lotId')}>
        <option value="">{t('board.choose')}</option>
        {held.map((l) => (
          <option key={l.id} value={l.id}>
            {l.productCode} {l.lotNumber} ({t('board.balance', { n: l.balance })}, {l.expiryDate})
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <div class="board">
      <BoardNav current="/board/stock" />
      <h1 tabIndex={-1}>{t('board.stockAdminTitle')}</h1>
      <Status message={status} />
      <div class="filters">
        <label for="st-facility">{t('board.facility')}</label>
        <select id="st-facility" value={chosen} onChange={(e) => setFacilityId(e.currentTarget.value)}>
          {all.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </div>
      <div class="tabs" role="radiogroup" aria-label={t('board.stockAction')}>
        {(['receive', 'transfer', 'count'] as Kind[]).map((k) => (
          <label key={k} class="inline">
            <input type="radio" name="stock-kind" value={k} checked={kind === k} onChange={() => (setKind(k), setMistakes(noMistakes))} />{' '}
            {t(`board.kind.${k}`)}
          </label>
        ))}
      </div>
      <form class="board-panel" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="stock-form-title">
        <h2 id="stock-form-title">{t(`board.kind.${kind}`)}</h2>
        {kind === 'receive' && <p class="hint">{t('board.receiveHint', { name: store?.name ?? '' })}</p>}
        <ErrorSummary mistakes={mistakes} />
        <div class="grid">
          {kind === 'receive' && (
            <>
              <Field name="productCode" id="st-product" label={t('board.product')} mistakes={mistakes}>
                <select id="st-product" value={v.productCode} onChange={set('productCode')}>
                  <option value="">{t('board.choose')}</option>
                  {(filters.data?.vaccineProducts ?? []).map((p) => (
                    <option key={p.code} value={p.code}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field name="lotNumber" id="st-lotnumber" label={t('board.lotNumber')} mistakes={mistakes}>
                <input id="st-lotnumber" value={v.lotNumber} onInput={set('lotNumber')} />
              </Field>
              <Field name="expiryDate" id="st-expiry" label={t('board.expiry')} mistakes={mistakes}>
                <input id="st-expiry" type="date" value={v.expiryDate} onInput={set('expiryDate')} />
              </Field>
              <Field name="manufacturer" id="st-manufacturer" label={t('board.manufacturer')} mistakes={mistakes}>
                <input id="st-manufacturer" value={v.manufacturer} onInput={set('manufacturer')} />
              </Field>
            </>
          )}
          {kind !== 'receive' && lotSelect}
          {kind === 'transfer' && (
            <Field name="toFacilityId" id="st-to" label={t('board.toFacility')} mistakes={mistakes}>
              <select id="st-to" value={v.toFacilityId} onChange={set('toFacilityId')}>
                <option value="">{t('board.choose')}</option>
                {all
                  .filter((f) => f.id !== chosen)
                  .map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
              </select>
            </Field>
          )}
          {kind === 'count' ? (
            <Field name="countedDoses" id="st-counted" label={t('board.countedDoses')} mistakes={mistakes}>
              <input id="st-counted" class="w4" inputMode="numeric" value={v.counted} onInput={set('counted')} />
            </Field>
          ) : (
            <Field name="doses" id="st-doses" label={t('board.doses')} mistakes={mistakes}>
              <input id="st-doses" class="w4" inputMode="numeric" value={v.doses} onInput={set('doses')} />
            </Field>
          )}
          <Field name="note" id="st-note" label={t('board.note')} mistakes={mistakes}>
            <input id="st-note" value={v.note} onInput={set('note')} />
          </Field>
        </div>
        <button class="button" type="submit">
          {t(`board.kindSubmit.${kind}`)}
        </button>
      </form>
      <div class="table-wrap" tabIndex={0}>
        <table class="dense" id="lots">
          <caption>{t('board.lotsCaption', { name: all.find((f) => f.id === chosen)?.name ?? '' })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.product')}</th>
              <th scope="col">{t('board.lotNumber')}</th>
              <th scope="col">{t('board.expiry')}</th>
              <th scope="col" class="num">
                {t('board.doses')}
              </th>
            </tr>
          </thead>
          <tbody>
            {held.map((l) => (
              <tr key={l.id} data-testid="lot-row">
                <td>{l.productCode}</td>
                <th scope="row">{l.lotNumber}</th>
                <td>{l.expiryDate}</td>
                <td class="num">{l.balance}</td>
              </tr>
            ))}
            {lots.data && held.length === 0 && (
              <tr>
                <td colSpan={4}>{t('board.none')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
