import { useMemo, useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { Mistakes } from '../../errors.js';
import { ErrorSummary, t, useLanguage } from '../../ui.js';
import { AdminFacilities, AdminSessions, BoardFilters, CloseSession, CreateSession, UpdateSessionCapacity } from './operations.js';
import { BoardNav, jakartaToday, Status } from './common.js';
import { Field, mistakesOf, noMistakes } from './form.js';

const whole = (s: string): number | undefined => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

function NewSession(props: { facilityId: string; onDone: (message: string) => void }) {
  const lang = useLanguage();
  const client = useClient();
  const [filters] = useQuery({ query: BoardFilters });
  const products = filters.data?.vaccineProducts ?? [];
  const [v, setV] = useState({
    date: jakartaToday(),
    startTime: '08:00',
    endTime: '12:00',
    productCode: '',
    capacity: '40',
    slotMinutes: '30',
  });
  const [doseKinds, setDoseKinds] = useState<string[]>([]);
  const [mistakes, setMistakes] = useState<Mistakes>(noMistakes);
  const [warnings, setWarnings] = useState<string[]>([]);
  const product = products.find((p) => p.code === v.productCode);
  const save = async (e: Event) => {
    e.preventDefault();
    // Numbers that are not whole numbers are named here with the API's own mistakes, all at once.
    const local: Mistakes = { fields: [], general: [] };
    const capacity = whole(v.capacity);
    const slotMinutes = whole(v.slotMinutes);
    if (capacity === undefined) local.fields.push({ field: 'capacity', message: t('board.wholeNumber') });
    if (slotMinutes === undefined) local.fields.push({ field: 'slotMinutes', message: t('board.wholeNumber') });
    const r = await client
      .mutation(CreateSession, {
        input: {
          facilityId: props.facilityId,
          date: v.date,
          startTime: v.startTime,
          endTime: v.endTime,
          productCode: v.productCode,
          programme: product?.programme ?? null,
          doseKinds,
          capacity: capacity ?? 0,
          slotMinutes: slotMinutes ?? 30,
        },
      })
      .toPromise();
    const api = mistakesOf(r.error, lang);
    const fields = [...local.fields, ...api.fields.filter((f) => !local.fields.some((l) => l.field === f.field))];
    setMistakes({ fields, general: api.general });
    if (r.data && !local.fields.length) {
      setWarnings(r.data.createSession.warnings.map((w) => (lang === 'en' ? w.messageEn : w.message)));
      props.onDone(t('board.sessionCreated', { day: r.data.createSession.session.date }));
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate class="board-panel" aria-labelledby="new-session-title">
      <h2 id="new-session-title">{t('board.newSession')}</h2>
      <ErrorSummary mistakes={mistakes} />
      {warnings.map((w) => (
        <p class="warning" key={w}>
          {w}
        </p>
      ))}
      <div class="grid">
        <Field name="date" id="ns-date" label={t('board.date')} mistakes={mistakes}>
          <input id="ns-date" type="date" value={v.date} onInput={(e) => setV({ ...v, date: e.currentTarget.value })} />
        </Field>
        <Field name="startTime" id="ns-start" label={t('board.startTime')} mistakes={mistakes}>
          <input id="ns-start" type="time" value={v.startTime} onInput={(e) => setV({ ...v, startTime: e.currentTarget.value })} />
        </Field>
        <Field name="endTime" id="ns-end" label={t('board.endTime')} mistakes={mistakes}>
          <input id="ns-end" type="time" value={v.endTime} onInput={(e) => setV({ ...v, endTime: e.currentTarget.value })} />
        </Field>
        <Field name="productCode" id="ns-product" label={t('board.product')} mistakes={mistakes}>
          <select
            id="ns-product"
            value={v.productCode}
            onChange={(e) => {
              setV({ ...v, productCode: e.currentTarget.value });
              setDoseKinds([]);
            }}
          >
            <option value="">{t('board.choose')}</option>
            {products.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field name="capacity" id="ns-capacity" label={t('board.capacity')} mistakes={mistakes}>
          <input
            id="ns-capacity"
            inputMode="numeric"
            class="w4"
            value={v.capacity}
            onInput={(e) => setV({ ...v, capacity: e.currentTarget.value })}
          />
        </Field>
        <Field name="slotMinutes" id="ns-slot" label={t('board.slotMinutes')} mistakes={mistakes}>
          <input
            id="ns-slot"
            inputMode="numeric"
            class="w4"
            value={v.slotMinutes}
            onInput={(e) => setV({ ...v, slotMinutes: e.currentTarget.value })}
          />
        </Field>
      </div>
      <fieldset class="field" id="field-doseKinds">
        <legend>{t('board.doseKinds')}</legend>
        {mistakes.fields
          .filter((f) => f.field === 'doseKinds')
          .map((f) => (
            <p class="error-message" key={f.field}>
              {f.message}
            </p>
          ))}
        {(product?.doseKinds ?? []).map((d) => (
          <label key={d} class="inline">
            <input
              type="checkbox"
              value={d}
              checked={doseKinds.includes(d)}
              onChange={(e) => setDoseKinds(e.currentTarget.checked ? [...doseKinds, d] : doseKinds.filter((x) => x !== d))}
            />{' '}
            {d}
          </label>
        ))}
        {!product && <p class="hint">{t('board.chooseProductFirst')}</p>}
      </fieldset>
      <button class="button" type="submit">
        {t('board.create')}
      </button>
    </form>
  );
}

function CapacityEditor(props: { id: string; capacity: number; onDone: (message: string) => void }) {
  const lang = useLanguage();
  const client = useClient();
  const [value, setValue] = useState(String(props.capacity));
  const [mistake, setMistake] = useState<string>();
  const save = async (e: Event) => {
    e.preventDefault();
    const capacity = whole(value);
    if (capacity === undefined) return setMistake(t('board.wholeNumber'));
    const r = await client.mutation(UpdateSessionCapacity, { id: props.id, capacity }).toPromise();
    const m = mistakesOf(r.error, lang);
    setMistake(m.fields[0]?.message ?? m.general[0]);
    if (r.data) {
      const warnings = r.data.updateSession.warnings.map((w) => (lang === 'en' ? w.messageEn : w.message));
      props.onDone([t('board.capacitySaved', { n: capacity }), ...warnings].join(' '));
    }
  };
  return (
    <form class="inline-form" onSubmit={(e) => void save(e)} noValidate>
      <label for={`cap-${props.id}`} class="visually-hidden">
        {t('board.capacity')}
      </label>
      <input
        id={`cap-${props.id}`}
        class="w4"
        inputMode="numeric"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        aria-invalid={mistake ? 'true' : undefined}
      />
      <button class="button secondary small" type="submit">
        {t('board.changeCapacity')}
      </button>
      {mistake && (
        <span class="error-message" role="alert">
          {mistake}
        </span>
      )}
    </form>
  );
}

/** Sessions and slots of one facility (admins): create, change capacity, close. */
export function SessionsPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [facilities] = useQuery({ query: AdminFacilities });
  const [facilityId, setFacilityId] = useState('');
  const [from, setFrom] = useState(jakartaToday());
  const [status, setStatus] = useState<string>();
  const [creating, setCreating] = useState(false);
  const facility = facilities.data?.facilities.edges.map((e) => e.node).find((f) => f.id === facilityId);
  const [res, refetch] = useQuery({
    query: AdminSessions,
    variables: { kelurahanCode: facility?.kelurahanCode, dateFrom: from },
    pause: !facility,
    requestPolicy: 'cache-and-network',
  });
  const sessions = useMemo(
    () => (res.data?.sessions.edges ?? []).map((e) => e.node).filter((s) => s.facility.id === facilityId),
    [res.data, facilityId],
  );
  const done = (message: string) => {
    setCreating(false);
    setStatus(message || undefined);
    refetch({ requestPolicy: 'network-only' });
  };
  const close = async (id: string) => {
    const r = await client.mutation(CloseSession, { id }).toPromise();
    const m = mistakesOf(r.error, lang);
    setStatus(r.data ? t('board.sessionClosed') : (m.general[0] ?? m.fields[0]?.message));
  };
  return (
    <div class="board">
      <BoardNav current="/board/sessions" />
      <h1 tabIndex={-1}>{t('board.sessionsTitle')}</h1>
      <Status message={status} />
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="sess-facility">{t('board.facility')}</label>
        <select id="sess-facility" value={facilityId} onChange={(e) => setFacilityId(e.currentTarget.value)}>
          <option value="">{t('board.choose')}</option>
          {(facilities.data?.facilities.edges.map((e) => e.node) ?? []).map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <label for="sess-from">{t('board.from')}</label>
        <input id="sess-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        {facility && (
          <button type="button" class="button secondary" onClick={() => setCreating(true)}>
            {t('board.newSession')}
          </button>
        )}
      </form>
      {creating && facility && <NewSession facilityId={facility.id} onDone={done} />}
      {facility && (
        <div class="table-wrap" tabIndex={0}>
          <table class="dense">
            <caption>{t('board.sessionsCaption', { name: facility.name, n: sessions.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.date')}</th>
                <th scope="col">{t('board.time')}</th>
                <th scope="col">{t('board.product')}</th>
                <th scope="col">{t('board.slots')}</th>
                <th scope="col" class="num">
                  {t('board.remaining')}
                </th>
                <th scope="col">{t('board.status')}</th>
                <th scope="col">{t('board.capacity')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('board.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id} data-testid="session-row">
                  <th scope="row">{s.date}</th>
                  <td>
                    {s.startTime}–{s.endTime}
                  </td>
                  <td>
                    {s.productCode} ({s.doseKinds.join(', ')})
                  </td>
                  <td>
                    <ul class="slots">
                      {s.slots.map((sl) => (
                        <li key={sl.id}>
                          {sl.startTime} {sl.remainingPlaces}/{sl.capacity}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="num">{s.remainingPlaces}</td>
                  <td>{s.status}</td>
                  <td>
                    <CapacityEditor id={s.id} capacity={s.capacity} onDone={done} />
                  </td>
                  <td>
                    {s.status !== 'CLOSED' && (
                      <button
                        type="button"
                        class="button warning small"
                        onClick={() => void close(s.id)}
                        aria-label={t('board.closeSessionOf', { day: s.date, time: s.startTime })}
                      >
                        {t('board.closeSession')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {res.data && sessions.length === 0 && (
                <tr>
                  <td colSpan={8}>{t('board.none')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
