import { useState } from 'preact/hooks';
import { useClient, useMutation, useQuery } from '@urql/preact';
import { CancelAppointment, DoseRecordsBySlip, MyAppointments, MyRecords, OtherSessions, RescheduleAppointment } from '../operations.js';
import type { MyAppointmentsQuery, OtherSessionsQuery } from '../gql/graphql.js';
import { composeDate, readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { todayInJakarta } from '../centres.js';
import { formatDate, formatTime, formatTimeRange } from '../dates.js';
import { DeliveryList, type DeliveredDose } from './deliveries.js';
import { BirthDateInputs, ErrorSummary, mistakeFor, t, useLanguage } from '../ui.js';
import { useSession } from '../session.js';

type Appointment = MyAppointmentsQuery['myAppointments']['edges'][number]['node'];
type Choice = { slotId: string; date: string; startTime: string; endTime: string; place: string };

/** Signed in: the account's appointments and where each dose record stands in SATUSEHAT and BPJS PCare, in words. */
function SignedInRecords(): preact.JSX.Element | null {
  const lang = useLanguage();
  const [r] = useQuery({ query: MyRecords });
  if (!r.data) return null;
  return (
    <section aria-labelledby="records-title">
      <h2 id="records-title">{t('mine.signedIn')}</h2>
      <ul class="cards">
        {r.data.myAppointments.edges.map(({ node: a }) => (
          <li key={a.id} class="card">
            {a.fullName} · {t(`mine.status.${a.status}`, { defaultValue: a.status })} · {formatDate(a.sessionDate, lang)}{' '}
            {formatTime(a.slot.startTime, lang)} · {a.facility.name} · {a.slipCode}
          </li>
        ))}
      </ul>
      <DeliveryList
        id="account-doses-title"
        doses={(r.data.myPerson?.doseRecords.edges ?? []).map(({ node: d }) => ({
          id: d.id,
          antigen: d.antigen,
          doseNumber: d.doseNumber,
          administeredAt: d.administeredAt,
          product: d.product?.name,
          facility: d.facility?.name,
          state: d.deliveries.find((n) => n.target === 'SATUSEHAT')?.state ?? 'PENDING',
          pcare: d.deliveries.find((n) => n.target === 'PCARE')?.state,
        }))}
      />
    </section>
  );
}

export function AppointmentsPage(): preact.JSX.Element {
  const signedIn = !!useSession();
  const lang = useLanguage();
  const client = useClient();
  const [form, setForm] = useState({ nik: '', day: '', month: '', year: '', slipCode: '' });
  const [verification, setVerification] = useState<{ nik: string; slipCode: string } | undefined>();
  const [list, setList] = useState<Appointment[] | undefined>();
  const [slipDoses, setSlipDoses] = useState<DeliveredDose[]>([]);
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState<{ kind: 'cancel'; id: string } | { kind: 'move'; id: string; choice: Choice } | undefined>();
  const [choices, setChoices] = useState<{ id: string; sessions: OtherSessionsQuery['sessions']['edges'] } | undefined>();
  const [, cancel] = useMutation(CancelAppointment);
  const [, reschedule] = useMutation(RescheduleAppointment);
  const set = (name: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [name]: (e.currentTarget as HTMLInputElement).value }));

  const load = async (v: { nik: string; birthDate: string; slipCode: string }): Promise<void> => {
    const result = await client.query(MyAppointments, v, { requestPolicy: 'network-only' }).toPromise();
    setMistakes(readMistakes(result.error, lang, t('common.network')));
    if (result.data) setList(result.data.myAppointments.edges.map((e) => e.node));
    else return;
    // The dose records of the same holder, proven by the same three things; while immunization is down the appointments still show.
    const doses = await client.query(DoseRecordsBySlip, v, { requestPolicy: 'network-only' }).toPromise();
    setSlipDoses(
      (doses.data?.doseRecordsBySlip ?? []).map((d) => ({
        id: d.doseRecordId,
        antigen: d.antigen,
        doseNumber: d.doseNumber,
        administeredAt: d.administeredAt,
        product: d.product?.name,
        facility: d.facility?.name,
        state: d.deliveryState,
      })),
    );
  };
  const find = async (e: Event): Promise<void> => {
    e.preventDefault();
    const v = {
      nik: form.nik.trim(),
      birthDate: composeDate(form.day, form.month, form.year),
      slipCode: form.slipCode.trim().toUpperCase(),
    };
    setVerification({ nik: v.nik, slipCode: v.slipCode });
    setNotice('');
    await load(v);
  };
  const reload = (): Promise<void> =>
    load({ nik: form.nik.trim(), birthDate: composeDate(form.day, form.month, form.year), slipCode: form.slipCode.trim().toUpperCase() });

  const doCancel = async (id: string): Promise<void> => {
    const r = await cancel({ id, verification }, idempotent(newIdempotencyKey()));
    setConfirming(undefined);
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      setNotice(t('mine.cancelled'));
      await reload();
    }
  };
  const showChoices = async (a: Appointment): Promise<void> => {
    const r = await client.query(OtherSessions, { productCode: a.productCode, dateFrom: todayInJakarta() }).toPromise();
    setChoices({ id: a.id, sessions: r.data?.sessions.edges ?? [] });
  };
  const doMove = async (id: string, choice: Choice): Promise<void> => {
    const r = await reschedule({ id, slotId: choice.slotId, verification }, idempotent(newIdempotencyKey()));
    setConfirming(undefined);
    setChoices(undefined);
    setMistakes(readMistakes(r.error, lang, t('common.network')));
    if (r.data) {
      setNotice(t('mine.moved'));
      // A moved appointment keeps its slip code; the list is found again with it.
      await reload();
    }
  };

  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1>{t('mine.title')}</h1>
      {signedIn && <SignedInRecords />}
      <p>{t('mine.intro')}</p>
      <form onSubmit={(e) => void find(e)} noValidate>
        <div class={`field${mistakeFor(mistakes, 'nik') ? ' field-error' : ''}`} id="field-nik">
          <label for="nik">{t('book.nik')}</label>
          <input id="nik" inputMode="numeric" autoComplete="off" value={form.nik} onInput={set('nik')} />
        </div>
        <div class="field" id="field-birthDate">
          <fieldset>
            <legend>{t('book.birthDate')}</legend>
            <BirthDateInputs day={form.day} month={form.month} year={form.year} onInput={set} />
          </fieldset>
        </div>
        <div class="field" id="field-slipCode">
          <label for="slipCode">{t('mine.slip')}</label>
          <input id="slipCode" autoComplete="off" value={form.slipCode} onInput={set('slipCode')} />
        </div>
        <button type="submit" class="button">
          {t('mine.find')}
        </button>
      </form>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {list && list.length === 0 && <p>{t('mine.none')}</p>}
      <ul class="cards">
        {list?.map((a) => (
          <li key={a.id} class="card" data-testid="appointment">
            <h2>
              {a.fullName} · {t(`mine.status.${a.status}`, { defaultValue: a.status })}
            </h2>
            <p>
              {formatDate(a.sessionDate, lang)} {formatTimeRange(a.slot.startTime, a.slot.endTime, lang)} · {a.facility.name} ·{' '}
              {a.product?.name ?? '—'} · {t('confirm.queue')} {a.queueNumber}
            </p>
            {a.status === 'BOOKED' && (
              <div class="actions">
                <button type="button" class="button secondary" onClick={() => void showChoices(a)}>
                  {t('mine.reschedule')}
                </button>
                <button type="button" class="button warning" onClick={() => setConfirming({ kind: 'cancel', id: a.id })}>
                  {t('mine.cancel')}
                </button>
              </div>
            )}
            {choices?.id === a.id && (
              <fieldset>
                <legend>{t('mine.chooseSlot')}</legend>
                <ul>
                  {choices.sessions.flatMap(({ node }) =>
                    node.slots
                      .filter((s) => s.remainingPlaces > 0 && s.id !== a.slot.id)
                      .map((s) => (
                        <li key={s.id}>
                          <button
                            type="button"
                            class="link"
                            data-testid="new-slot"
                            onClick={() =>
                              setConfirming({
                                kind: 'move',
                                id: a.id,
                                choice: {
                                  slotId: s.id,
                                  date: node.date,
                                  startTime: s.startTime,
                                  endTime: s.endTime,
                                  place: node.facility.name,
                                },
                              })
                            }
                          >
                            {formatDate(node.date, lang)} {formatTimeRange(s.startTime, s.endTime, lang)} · {node.facility.name}
                          </button>
                        </li>
                      )),
                  )}
                </ul>
              </fieldset>
            )}
            {confirming?.id === a.id && (
              <div class="confirm" role="alertdialog" aria-labelledby={`confirm-${a.id}`}>
                <p id={`confirm-${a.id}`}>
                  {confirming.kind === 'cancel'
                    ? t('mine.confirmCancel')
                    : t('mine.confirmMove', {
                        date: formatDate(confirming.choice.date, lang),
                        time: formatTimeRange(confirming.choice.startTime, confirming.choice.endTime, lang),
                        place: confirming.choice.place,
                      })}
                </p>
                <button
                  type="button"
                  class="button warning"
                  ref={(el) => el?.focus()}
                  onClick={() => void (confirming.kind === 'cancel' ? doCancel(a.id) : doMove(a.id, confirming.choice))}
                >
                  {confirming.kind === 'cancel' ? t('mine.yesCancel') : t('mine.yesMove')}
                </button>
                <button type="button" class="button secondary" onClick={() => setConfirming(undefined)}>
                  {t('mine.no')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <DeliveryList doses={slipDoses} id="slip-doses-title" />
    </>
  );
}
