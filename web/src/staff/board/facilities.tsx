import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { Mistakes } from '../../errors.js';
import { ErrorSummary, t, useLanguage } from '../../ui.js';
import type { AdminFacilitiesQuery, FacilityType } from './gql/graphql.js';
import { AdminFacilities, BoardKelurahan, CreateFacility, UpdateFacility } from './operations.js';
import { BoardNav, Status } from './common.js';
import { useProgrammes } from './dashboard.js';
import { Field, mistakesOf, noMistakes } from './form.js';

type Facility = AdminFacilitiesQuery['facilities']['edges'][number]['node'];
export const FACILITY_TYPES: FacilityType[] = ['PUSKESMAS', 'HOSPITAL', 'CLINIC', 'TNI_POLRI', 'UNIVERSITY', 'POSYANDU', 'CITY_STORE'];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

interface Hours {
  [weekday: number]: { opens: string; closes: string };
}

const hoursOf = (f?: Facility): Hours =>
  Object.fromEntries((f?.openingHours ?? []).map((h) => [h.weekday, { opens: h.opens, closes: h.closes }])) as Hours;
const hoursInput = (h: Hours) =>
  WEEKDAYS.filter((d) => h[d]?.opens || h[d]?.closes).map((d) => ({ weekday: d, opens: h[d]!.opens, closes: h[d]!.closes }));

/** Opening hours as one row per weekday; an empty row is a closed day. */
function HoursEditor(props: { hours: Hours; onChange: (h: Hours) => void; idPrefix: string; mistakes: Mistakes }) {
  const set = (d: number, part: 'opens' | 'closes') => (e: Event) =>
    props.onChange({
      ...props.hours,
      [d]: { opens: '', closes: '', ...props.hours[d], [part]: (e.currentTarget as HTMLInputElement).value },
    });
  const wrong = props.mistakes.fields.filter((f) => f.field.startsWith('openingHours'));
  // The API names a day by its place in the list sent (openingHours.N.closes): the error summary links there.
  const sent = WEEKDAYS.filter((d) => props.hours[d]?.opens || props.hours[d]?.closes);
  const fieldId = (d: number, part: 'opens' | 'closes') => (sent.includes(d) ? `field-openingHours.${sent.indexOf(d)}.${part}` : undefined);
  return (
    <fieldset class={`hours${wrong.length ? ' field-error' : ''}`} id="field-openingHours">
      <legend>{t('board.openingHours')}</legend>
      {wrong.map((w) => (
        <p class="error-message" key={w.field}>
          {w.message}
        </p>
      ))}
      <table class="dense">
        <thead>
          <tr>
            <th scope="col">{t('board.weekday')}</th>
            <th scope="col">{t('board.opens')}</th>
            <th scope="col">{t('board.closes')}</th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((d) => (
            <tr key={d}>
              <th scope="row">{t(`board.day${d}`)}</th>
              <td>
                <span id={fieldId(d, 'opens')} />
                <input
                  type="time"
                  aria-label={`${t(`board.day${d}`)} ${t('board.opens')}`}
                  id={`${props.idPrefix}-opens-${d}`}
                  value={props.hours[d]?.opens ?? ''}
                  onInput={set(d, 'opens')}
                />
              </td>
              <td>
                <span id={fieldId(d, 'closes')} />
                <input
                  type="time"
                  aria-label={`${t(`board.day${d}`)} ${t('board.closes')}`}
                  value={props.hours[d]?.closes ?? ''}
                  onInput={set(d, 'closes')}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

function EditFacility(props: { facility: Facility; onDone: (message: string) => void }) {
  const lang = useLanguage();
  const client = useClient();
  const f = props.facility;
  const [v, setV] = useState({ name: f.name, type: f.type, address: f.address, phone: f.phone ?? '', active: f.active });
  const [hours, setHours] = useState(hoursOf(f));
  const [mistakes, setMistakes] = useState<Mistakes>(noMistakes);
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await client
      .mutation(UpdateFacility, {
        id: f.id,
        input: {
          name: v.name,
          type: v.type,
          address: v.address,
          phone: v.phone || null,
          active: v.active,
          openingHours: hoursInput(hours),
        },
      })
      .toPromise();
    setMistakes(mistakesOf(r.error, lang));
    if (r.data) props.onDone(t('board.saved', { name: r.data.updateFacility.name }));
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate class="board-panel" aria-labelledby="edit-facility-title">
      <h2 id="edit-facility-title">{t('board.editFacility', { name: f.name })}</h2>
      <ErrorSummary mistakes={mistakes} />
      <div class="grid">
        <Field name="name" id="ef-name" label={t('board.name')} mistakes={mistakes}>
          <input id="ef-name" value={v.name} onInput={(e) => setV({ ...v, name: e.currentTarget.value })} />
        </Field>
        <Field name="type" id="ef-type" label={t('board.type')} mistakes={mistakes}>
          <select id="ef-type" value={v.type} onChange={(e) => setV({ ...v, type: e.currentTarget.value as FacilityType })}>
            {FACILITY_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </Field>
        <Field name="address" id="ef-address" label={t('board.address')} mistakes={mistakes}>
          <input id="ef-address" value={v.address} onInput={(e) => setV({ ...v, address: e.currentTarget.value })} />
        </Field>
        <Field name="phone" id="ef-phone" label={t('board.phone')} mistakes={mistakes}>
          <input id="ef-phone" type="tel" value={v.phone} onInput={(e) => setV({ ...v, phone: e.currentTarget.value })} />
        </Field>
      </div>
      <p>
        <label>
          <input type="checkbox" checked={v.active} onChange={(e) => setV({ ...v, active: e.currentTarget.checked })} /> {t('board.active')}
        </label>
      </p>
      <HoursEditor hours={hours} onChange={setHours} idPrefix="ef" mistakes={mistakes} />
      <button class="button" type="submit">
        {t('board.save')}
      </button>{' '}
      <button class="button secondary" type="button" onClick={() => props.onDone('')}>
        {t('board.cancel')}
      </button>
    </form>
  );
}

function NewFacility(props: { onDone: (message: string) => void }) {
  const lang = useLanguage();
  const client = useClient();
  const { kecamatan } = useProgrammes();
  const [v, setV] = useState({
    code: '',
    name: '',
    type: 'PUSKESMAS' as FacilityType,
    kecamatan: '',
    kelurahanCode: '',
    address: '',
    phone: '',
  });
  const [kel] = useQuery({ query: BoardKelurahan, variables: { parentCode: v.kecamatan }, pause: !v.kecamatan });
  const [hours, setHours] = useState<Hours>({});
  const [mistakes, setMistakes] = useState<Mistakes>(noMistakes);
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await client
      .mutation(CreateFacility, {
        input: {
          code: v.code,
          name: v.name,
          type: v.type,
          kelurahanCode: v.kelurahanCode,
          address: v.address,
          phone: v.phone || null,
          openingHours: hoursInput(hours),
        },
      })
      .toPromise();
    setMistakes(mistakesOf(r.error, lang));
    if (r.data) props.onDone(t('board.created', { name: r.data.createFacility.name }));
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate class="board-panel" aria-labelledby="new-facility-title">
      <h2 id="new-facility-title">{t('board.newFacility')}</h2>
      <ErrorSummary mistakes={mistakes} />
      <div class="grid">
        <Field name="code" id="nf-code" label={t('board.code')} mistakes={mistakes}>
          <input id="nf-code" value={v.code} onInput={(e) => setV({ ...v, code: e.currentTarget.value })} />
        </Field>
        <Field name="name" id="nf-name" label={t('board.name')} mistakes={mistakes}>
          <input id="nf-name" value={v.name} onInput={(e) => setV({ ...v, name: e.currentTarget.value })} />
        </Field>
        <Field name="type" id="nf-type" label={t('board.type')} mistakes={mistakes}>
          <select id="nf-type" value={v.type} onChange={(e) => setV({ ...v, type: e.currentTarget.value as FacilityType })}>
            {FACILITY_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </Field>
        <div class="field">
          <label for="nf-kecamatan">{t('board.kecamatan')}</label>
          <select
            id="nf-kecamatan"
            value={v.kecamatan}
            onChange={(e) => setV({ ...v, kecamatan: e.currentTarget.value, kelurahanCode: '' })}
          >
            <option value="">{t('board.choose')}</option>
            {kecamatan.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <Field name="kelurahanCode" id="nf-kelurahan" label={t('board.kelurahan')} mistakes={mistakes}>
          <select id="nf-kelurahan" value={v.kelurahanCode} onChange={(e) => setV({ ...v, kelurahanCode: e.currentTarget.value })}>
            <option value="">{t('board.choose')}</option>
            {(kel.data?.areas ?? []).map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field name="address" id="nf-address" label={t('board.address')} mistakes={mistakes}>
          <input id="nf-address" value={v.address} onInput={(e) => setV({ ...v, address: e.currentTarget.value })} />
        </Field>
        <Field name="phone" id="nf-phone" label={t('board.phone')} mistakes={mistakes}>
          <input id="nf-phone" type="tel" value={v.phone} onInput={(e) => setV({ ...v, phone: e.currentTarget.value })} />
        </Field>
      </div>
      <HoursEditor hours={hours} onChange={setHours} idPrefix="nf" mistakes={mistakes} />
      <button class="button" type="submit">
        {t('board.create')}
      </button>{' '}
      <button class="button secondary" type="button" onClick={() => props.onDone('')}>
        {t('board.cancel')}
      </button>
    </form>
  );
}

const hoursText = (f: Facility): string =>
  f.openingHours.map((h) => `${t(`board.dayShort${h.weekday}`)} ${h.opens}–${h.closes}`).join(', ') || t('board.noHours');

/** Facilities and their opening hours (admins): the list, one form to change one, one to add one. */
export function FacilitiesPage(): preact.JSX.Element {
  useLanguage();
  const [res, refetch] = useQuery({ query: AdminFacilities, requestPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<string | 'new' | undefined>();
  const [status, setStatus] = useState<string>();
  const [filter, setFilter] = useState('');
  const done = (message: string) => {
    setEditing(undefined);
    setStatus(message || undefined);
    refetch({ requestPolicy: 'network-only' });
  };
  const facilities = (res.data?.facilities.edges.map((e) => e.node) ?? []).filter(
    (f) => !filter || `${f.code} ${f.name}`.toLowerCase().includes(filter.toLowerCase()),
  );
  const current = res.data?.facilities.edges.find((e) => e.node.id === editing)?.node;
  return (
    <div class="board">
      <BoardNav current="/board/facilities" />
      <h1 tabIndex={-1}>{t('board.facilitiesTitle')}</h1>
      <Status message={status} />
      {editing === 'new' && <NewFacility onDone={done} />}
      {current && <EditFacility key={current.id} facility={current} onDone={done} />}
      <div class="filters">
        <label for="facility-filter">{t('board.search')}</label>
        <input id="facility-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <button type="button" class="button secondary" onClick={() => setEditing('new')}>
          {t('board.newFacility')}
        </button>
      </div>
      <div class="table-wrap" tabIndex={0}>
        <table class="dense">
          <caption>{t('board.facilitiesCaption', { n: facilities.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.code')}</th>
              <th scope="col">{t('board.name')}</th>
              <th scope="col">{t('board.type')}</th>
              <th scope="col">{t('board.openingHours')}</th>
              <th scope="col">{t('board.active')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('board.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {facilities.map((f) => (
              <tr key={f.id} data-testid="facility-row">
                <td>{f.code}</td>
                <th scope="row">{f.name}</th>
                <td>{f.type}</td>
                <td>{hoursText(f)}</td>
                <td>{f.active ? t('board.yes') : t('board.no')}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() => setEditing(f.id)}
                    aria-label={t('board.editFacility', { name: f.name })}
                  >
                    {t('board.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
