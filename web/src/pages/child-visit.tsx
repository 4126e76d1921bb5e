import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { auth } from '../auth.js';
import { BookAppointment, ChildSchedule, KecamatanList } from '../operations.js';
import type { ChildScheduleQuery } from '../gql/graphql.js';
import { readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { todayInJakarta } from '../centres.js';
import { formatDate, formatShortDate, formatTimeRange } from '../dates.js';
import { remember } from '../slip.js';
import { ErrorSummary, mistakeFor, navigate, t, useLanguage } from '../ui.js';

type Dose = ChildScheduleQuery['forecast']['doses'][number];
type Due = ChildScheduleQuery['dueAndAvailableSessions'][number];

/** Days ahead the parent sees sessions for (the API allows up to 62). */
export const VISIT_WINDOW_DAYS = 28;
const inDays = (days: number): string => todayInJakarta(new Date(Date.now() + days * 86_400_000));

/** The kecamatan of a kelurahan code: 33.74.01.1001 is in 33.74.01. */
export const kecamatanOf = (kelurahanCode: string): string => kelurahanCode.split('.').slice(0, 3).join('.');

/** One line of the schedule card: what happened or what is next, with the date that matters for that status. */
export function doseLine(d: Dose, lang: string): { status: string; when: string } {
  const date = (ymd: string | null | undefined, key: string): string => (ymd ? t(key, { date: formatShortDate(ymd, lang) }) : '');
  switch (d.status) {
    case 'GIVEN_VALID':
      return { status: t('parents.status.GIVEN_VALID'), when: date(d.givenOn, 'citizen.givenOn') };
    case 'GIVEN_INVALID':
      return {
        status: t('parents.status.GIVEN_INVALID'),
        when: [date(d.givenOn, 'citizen.givenOn'), date(d.earliestDate ?? d.recommendedDate, 'citizen.repeatFrom')]
          .filter(Boolean)
          .join(' · '),
      };
    case 'DUE':
      return { status: t('parents.status.DUE'), when: date(d.recommendedDate ?? d.earliestDate, 'citizen.dueFrom') };
    case 'OVERDUE':
      return { status: t('parents.status.OVERDUE'), when: date(d.overdueFrom ?? d.recommendedDate, 'citizen.overdueSince') };
    case 'UPCOMING':
      return { status: t('parents.status.UPCOMING'), when: date(d.recommendedDate ?? d.earliestDate, 'citizen.expectedOn') };
    case 'NO_LONGER_NEEDED':
      return { status: t('parents.status.NO_LONGER_NEEDED'), when: '' };
  }
}

/** The schedule as a card, the sessions where the due vaccines are in stock, and one booking for the visit. */
export function ChildSchedulePanel(props: { personId: string; name: string; kelurahanCode: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [kecamatan, setKecamatan] = useState(kecamatanOf(props.kelurahanCode));
  const [kecs] = useQuery({ query: KecamatanList });
  const [r] = useQuery({
    query: ChildSchedule,
    variables: { personId: props.personId, from: todayInJakarta(), to: inDays(VISIT_WINDOW_DAYS), kecamatanCode: kecamatan },
  });
  const [visit, setVisit] = useState<Due | undefined>();
  if (!r.data) return <p>{r.error ? t('common.network') : t('common.loading')}</p>;
  const doses = r.data.forecast.doses;
  const id = props.personId;
  return (
    <>
      <h3 id={`schedule-${id}`}>{t('parents.schedule')}</h3>
      {!r.data.forecast.applies && <p>{t('citizen.scheduleNotApplicable')}</p>}
      <table class="schedule" aria-labelledby={`schedule-${id}`} data-testid="schedule">
        <thead>
          <tr>
            <th scope="col">{t('citizen.vaccine')}</th>
            <th scope="col">{t('citizen.status')}</th>
            <th scope="col">{t('citizen.when')}</th>
          </tr>
        </thead>
        <tbody>
          {doses.map((d) => {
            const line = doseLine(d, lang);
            return (
              <tr
                key={`${d.antigen}-${d.doseNumber}-${d.status}-${d.givenOn ?? ''}`}
                class={`dose-${d.status.toLowerCase()}`}
                data-status={d.status}
              >
                <th scope="row">
                  {d.antigen} {d.doseNumber}
                </th>
                <td>
                  <strong>{line.status}</strong>
                </td>
                <td>{line.when}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>{t('parents.sessions')}</h3>
      <div class="field">
        <label for={`due-kec-${id}`}>{t('find.kecamatan')}</label>
        <select id={`due-kec-${id}`} value={kecamatan} onChange={(e) => setKecamatan(e.currentTarget.value)}>
          {kecs.data?.areas.map((a) => (
            <option key={a.code} value={a.code}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      {r.data.dueAndAvailableSessions.length === 0 && <p>{t('citizen.noDueSessions', { days: VISIT_WINDOW_DAYS })}</p>}
      <ul class="cards">
        {r.data.dueAndAvailableSessions.map((s) => (
          <li key={s.sessionId} class="card" data-testid="due-session">
            <p>
              <strong>{formatDate(s.date, lang)}</strong> {formatTimeRange(s.startTime, s.endTime, lang)} · {s.facilityName}
            </p>
            <p>
              {t('citizen.vaccinesHere')}: {s.doses.map((d) => `${d.antigen} ${d.doseNumber}`).join(', ')}
            </p>
            <button type="button" class="button secondary" onClick={() => setVisit(s)} aria-expanded={visit?.sessionId === s.sessionId}>
              {t('citizen.chooseVisit')}
            </button>
            {visit?.sessionId === s.sessionId && <VisitForm due={s} personId={id} name={props.name} />}
          </li>
        ))}
      </ul>
    </>
  );
}

/** One booking for the visit: a time, the vaccines (every due one the session offers, ticked), the phone. */
function VisitForm(props: { due: Due; personId: string; name: string }): preact.JSX.Element {
  const lang = useLanguage();
  const slots = props.due.session.slots.filter((s) => s.remainingPlaces > 0);
  const [slotId, setSlotId] = useState(slots[0]?.id ?? '');
  const [chosen, setChosen] = useState<string[]>(props.due.doses.map((d) => d.doseKind));
  const [phone, setPhone] = useState(auth.current?.account.phone ?? '');
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  // One key per filled-in form, as on the booking page: a retry is the same visit, a change is a new one.
  const [key, setKey] = useState(newIdempotencyKey);
  const [booking, book] = useMutation(BookAppointment);
  const prefix = `visit-${props.due.sessionId}`;
  const toggle = (doseKind: string) => (): void => {
    setChosen((c) => (c.includes(doseKind) ? c.filter((k) => k !== doseKind) : [...c, doseKind]));
    setKey(newIdempotencyKey());
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (chosen.length === 0) {
      setMistakes({ fields: [{ field: 'moreDoseKinds', message: t('citizen.chooseOne') }], general: [] });
      return;
    }
    // The order of the schedule: the first chosen dose is the visit's main one, the rest go with it.
    const ordered = props.due.doses.map((d) => d.doseKind).filter((k) => chosen.includes(k));
    const result = await book(
      // The name goes along for the slip and the centre's day list; the registry's record is what counts.
      {
        input: {
          personId: props.personId,
          fullName: props.name,
          phone,
          slotId,
          doseKind: ordered[0]!,
          moreDoseKinds: ordered.slice(1),
        },
      },
      idempotent(key),
    );
    if (result.data) {
      remember(result.data.bookAppointment, props.due.sessionId, { forChild: true });
      navigate(`/confirmation/${result.data.bookAppointment.id}`);
      return;
    }
    setMistakes(readMistakes(result.error, lang, t('common.network')));
  };
  const m = (field: string) => mistakeFor(mistakes, field);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="visit-form">
      <ErrorSummary mistakes={mistakes} />
      <h4>{t('citizen.visitFor', { name: props.name })}</h4>
      <div class={`field${m('slotId') ? ' field-error' : ''}`} id="field-slotId">
        <fieldset>
          <legend>{t('session.slots')}</legend>
          {m('slotId') && <p class="error-message">{m('slotId')!.message}</p>}
          {slots.map((s) => (
            <label class="radio" key={s.id}>
              <input
                type="radio"
                name={`${prefix}-slot`}
                value={s.id}
                checked={slotId === s.id}
                onChange={() => {
                  setSlotId(s.id);
                  setKey(newIdempotencyKey());
                }}
              />{' '}
              {formatTimeRange(s.startTime, s.endTime, lang)} · {t('common.places', { count: s.remainingPlaces })}
            </label>
          ))}
        </fieldset>
      </div>
      <div class={`field${m('moreDoseKinds') || m('doseKind') ? ' field-error' : ''}`} id="field-moreDoseKinds">
        <fieldset>
          <legend>{t('citizen.vaccinesThisVisit')}</legend>
          {(m('moreDoseKinds') ?? m('doseKind')) && <p class="error-message">{(m('moreDoseKinds') ?? m('doseKind'))!.message}</p>}
          {props.due.doses.map((d) => (
            <label class="radio" key={d.doseKind}>
              <input
                type="checkbox"
                name={`${prefix}-dose`}
                value={d.doseKind}
                checked={chosen.includes(d.doseKind)}
                onChange={toggle(d.doseKind)}
              />{' '}
              {d.antigen} {d.doseNumber}
            </label>
          ))}
        </fieldset>
      </div>
      <div class={`field${m('phone') ? ' field-error' : ''}`} id="field-phone">
        <label for={`${prefix}-phone`}>{t('book.phone')}</label>
        {m('phone') && <p class="error-message">{m('phone')!.message}</p>}
        <input
          id={`${prefix}-phone`}
          type="tel"
          autoComplete="tel"
          value={phone}
          onInput={(e) => {
            setPhone(e.currentTarget.value);
            setKey(newIdempotencyKey());
          }}
        />
      </div>
      <button type="submit" class="button" disabled={booking.fetching}>
        {booking.fetching ? t('book.sending') : t('citizen.bookVisit', { count: chosen.length })}
      </button>
    </form>
  );
}
