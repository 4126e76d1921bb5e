import type { Sex } from './gql/graphql.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import type { Client } from '@urql/core';
import { auth, SIGN_OUT } from '../../auth.js';
import { todayInJakarta } from '../../centres.js';
import { loadDeskStrings } from '../../i18n.js';
import { Link, t, useLanguage } from '../../ui.js';
import {
  DeskCheckIn,
  DeskCorrectDose,
  DeskDay,
  DeskDueChildren,
  DeskLots,
  DeskMe,
  DeskNoShows,
  DeskRegisterPerson,
  DeskSessions,
  DeskVaccinators,
  DeskWalkIn,
} from './desk.operations.js';
import {
  allEntries,
  knownVaccinators,
  lastFacility,
  loadPack,
  patchEntry,
  productDefaults,
  rememberDefaults,
  rememberFacility,
  removeEntry,
  saveEntry,
  savePack,
  unsent,
  type DayAppointment,
  type DayPack,
  type DueChild,
  type Entry,
} from './store.js';
import { entriesChanged, firstError, onEntriesChanged, sendEntry, syncAll } from './sync.js';
import { registerShell } from './shell.js';
import { dueLeft, lotChoices, productFor, stepFor } from './steps.js';
import './desk.css';

/** Times as the posyandu reads them: Jakarta time (WIB), whatever the device's zone. */
const wib = (iso: string, withDate = false): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Jakarta',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${get('hour')}:${get('minute')} WIB`;
  return withDate ? `${get('year')}-${get('month')}-${get('day')} ${time}` : time;
};

const msg = (e: { message: string; messageEn?: string } | undefined, lang: string): string =>
  e ? (lang === 'en' && e.messageEn ? e.messageEn : e.message) : '';

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = (): void => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  return online;
}

/** A read that met no network: the download stops and the day already on the device stays as it was. */
function reached<T extends { error?: { networkError?: unknown } | undefined }>(r: T): T {
  if (r.error?.networkError) throw r.error;
  return r;
}

/**
 * Downloads the day as one whole: the network dropping half way (the worker leaving for the posyandu) saves
 * nothing, so a half-downloaded day never replaces a whole one; a read the API refuses keeps what was
 * downloaded before.
 */
async function download(client: Client, facilityId: string, date: string, previous?: DayPack): Promise<DayPack> {
  const day = await client.query(DeskDay, { facilityId, date }, { requestPolicy: 'network-only' }).toPromise();
  if (day.error || !day.data?.facility) throw day.error ?? new Error('no facility');
  const facility = day.data.facility;
  const sessions = reached(
    await client.query(DeskSessions, { kelurahanCode: facility.kelurahanCode, date }, { requestPolicy: 'network-only' }).toPromise(),
  );
  const own = sessions.data
    ? sessions.data.sessions.edges.map((e) => e.node).filter((s) => s.facility.id === facilityId)
    : (previous?.sessions ?? []);
  // The kelurahan's children with doses due, and who can give them.
  const due = reached(await client.query(DeskDueChildren, { facilityId, asOf: date }, { requestPolicy: 'network-only' }).toPromise());
  const dueChildren = due.data?.dueChildren ?? previous?.dueChildren ?? [];
  const staff = reached(await client.query(DeskVaccinators, { facilityId }, { requestPolicy: 'network-only' }).toPromise());
  const vaccinators = staff.data?.facilityVaccinators ?? previous?.vaccinators ?? [];
  const products = [
    ...new Set([
      ...own.map((s) => s.productCode),
      ...day.data.facilityDayList.map((a) => a.productCode),
      ...dueChildren.flatMap((c) => c.dueDoses.flatMap((d) => d.productCodes)),
    ]),
  ];
  const lots: DayPack['lots'] = {};
  for (const productCode of products) {
    const r = reached(await client.query(DeskLots, { facilityId, productCode }, { requestPolicy: 'network-only' }).toPromise());
    const kept = previous?.lots[productCode];
    if (r.data) lots[productCode] = { ...r.data, lots: r.data.lots.edges.map((e) => e.node) };
    else if (kept) lots[productCode] = kept;
  }
  // Check-ins made on the device while this download ran count too (read again just before saving).
  const latest = (await loadPack(facilityId, date)) ?? previous;
  const pack: DayPack = {
    facilityId,
    date,
    facility,
    appointments: day.data.facilityDayList,
    sessions: own,
    lots,
    dueChildren,
    vaccinators,
    // What the server now knows supersedes local check-ins; the rest stay until their dose is sent.
    localCheckIns: (latest?.localCheckIns ?? []).filter((id) =>
      day.data!.facilityDayList.some((a) => a.id === id && a.status === 'BOOKED'),
    ),
    downloadedAt: new Date().toISOString(),
  };
  await savePack(pack);
  return pack;
}

export function DeskPage(props: { facilityId?: string }): preact.JSX.Element {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    void loadDeskStrings().then(() => setReady(true));
    registerShell();
  }, []);
  return ready ? <Desk facilityId={props.facilityId} /> : <p role="status">…</p>;
}

function Desk(props: { facilityId?: string }): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const online = useOnline();
  const date = todayInJakarta();
  const [accountId, setAccountId] = useState(auth.current?.account.id);
  const signedIn = !!accountId;
  const [me, setMe] = useState<{ facilityId: string | null; displayName: string | null; role: string } | undefined>();
  const [pack, setPack] = useState<DayPack | undefined>();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [refusal, setRefusal] = useState<string>('');
  const [notice, setNotice] = useState('');
  const [selected, setSelected] = useState<{ id: string; slip?: string } | undefined>();
  const [selectedChild, setSelectedChild] = useState<string | undefined>();
  const [slip, setSlip] = useState('');
  const [scanning, setScanning] = useState(false);
  const [confirmSignOut, setConfirmSignOut] = useState<number | undefined>();
  const facilityId = props.facilityId ?? me?.facilityId ?? lastFacility()?.id;

  // The facility shown now: an answer for another one (asked before the signed-in worker was known) is dropped.
  const shown = useRef(facilityId);
  shown.current = facilityId;

  // Another account on the same tablet: forget who was signed in before, so nothing is sent as them.
  useEffect(() => {
    const follow = (s: typeof auth.current): void =>
      setAccountId((before) => {
        if (before !== s?.account.id) setMe(undefined);
        return s?.account.id;
      });
    const off = auth.subscribe(follow);
    // The session restored at page load (auth.refresh in main.tsx) may have arrived between the first render
    // and this effect: without this the desk would stay signed out and send nothing.
    follow(auth.current);
    return off;
  }, []);
  const reloadEntries = useCallback(async () => {
    const list = await allEntries(facilityId);
    if (shown.current === facilityId) setEntries(list);
  }, [facilityId]);
  useEffect(() => {
    void reloadEntries();
    return onEntriesChanged(() => void reloadEntries());
  }, [reloadEntries]);

  // Who is signed in (online); offline the desk opens the last facility's downloaded day.
  // Asked again every few seconds until it answers: a first answer that raced a token refresh is not the end.
  useEffect(() => {
    if (!signedIn || !online) return;
    let done = false;
    const ask = (): void =>
      void client
        .query(DeskMe, {}, { requestPolicy: 'network-only' })
        .toPromise()
        .then((r) => {
          if (r.data?.me && r.data.me.id === auth.current?.account.id) {
            done = true;
            setMe(r.data.me);
          }
        });
    ask();
    const timer = setInterval(() => !done && ask(), 3000);
    return () => clearInterval(timer);
  }, [accountId, online, signedIn]);

  const refresh = useCallback(async (): Promise<void> => {
    if (!facilityId) return;
    const local = await loadPack(facilityId, date);
    if (shown.current !== facilityId) return;
    // Another facility's day is never shown under this one while this one's downloads.
    setPack((p) => local ?? (p?.facilityId === facilityId ? p : undefined));
    if (!online || !auth.current) return;
    try {
      const fresh = await download(client, facilityId, date, local);
      if (shown.current !== facilityId) return;
      setRefusal('');
      setPack(fresh);
      rememberFacility({ id: facilityId, name: fresh.facility.name });
    } catch (error) {
      const e = firstError(error as never);
      // A policy refusal (another facility's list) is shown as such; a network failure keeps the local day.
      if (e && shown.current === facilityId) setRefusal(msg(e, lang));
    }
  }, [facilityId, date, online, signedIn, lang]);
  useEffect(() => void refresh(), [refresh]);

  // Back online: the session kept through an offline reload is refreshed; then what waits is sent.
  useEffect(() => {
    if (online && !auth.current) void auth.refresh(client);
  }, [online]);
  // Then what waits is sent at once, and again every few seconds while anything waits (a send that met a
  // lost connection or a token being refreshed is tried again without the worker doing anything).
  useEffect(() => {
    if (!online || !signedIn || !me) return;
    void syncAll(client, me.facilityId).then(() => refresh());
    const timer = setInterval(() => {
      void unsent().then((left) => {
        if (left.some((e) => e.state === 'waiting' || e.state === 'sending')) void syncAll(client, me.facilityId).then(() => refresh());
      });
    }, 5000);
    return () => clearInterval(timer);
  }, [online, signedIn, me]);

  const openBySlip = (code: string): void => {
    const wanted = code.trim().toUpperCase();
    const a = pack?.appointments.find((x) => x.slipCode === wanted);
    if (!a) {
      setNotice(t('desk.slipUnknown', { code: wanted }));
      return;
    }
    setNotice('');
    setSelectedChild(undefined);
    setSelected({ id: a.id, slip: wanted });
    setSlip('');
  };

  const signOut = async (force = false): Promise<void> => {
    const left = (await unsent()).length;
    if (left > 0 && !force) {
      setConfirmSignOut(left);
      return;
    }
    const refreshToken = auth.current?.refreshToken;
    auth.set(undefined);
    if (refreshToken && online) await client.mutation(SIGN_OUT, { refreshToken }).toPromise();
    setConfirmSignOut(undefined);
    setNotice(left > 0 ? t('desk.signedOutKept', { count: left }) : t('desk.signedOut'));
  };

  if (!facilityId) {
    return (
      <>
        <h1 tabIndex={-1}>{t('desk.title')}</h1>
        <p>{signedIn ? t('desk.noFacility') : t('desk.signInFirst')}</p>
        {!signedIn && <Link href="/staff">{t('desk.signIn')}</Link>}
      </>
    );
  }

  const selectedAppointment = pack?.appointments.find((a) => a.id === selected?.id);
  const selectedDueChild = pack?.dueChildren?.find((c) => c.personId === selectedChild);
  const counts = {
    waiting: entries.filter((e) => e.state === 'waiting' || e.state === 'sending').length,
    attention: entries.filter((e) => (e.state === 'conflict' || e.state === 'needs-correction') && !e.resolution).length,
  };

  return (
    <div class="desk">
      <div class="desk-bar">
        <h1 tabIndex={-1}>
          {t('desk.title')}: {pack?.facility.name ?? lastFacility()?.name ?? ''} · {date}
        </h1>
        <span class={`badge ${online ? 'ok' : 'off'}`} role="status" data-testid="network">
          {online ? t('desk.online') : t('desk.offline')}
        </span>
        <span class="badge" data-testid="pending" role="status">
          {t('desk.pending', { count: counts.waiting })}
          {counts.attention > 0 && ` · ${t('desk.attention', { count: counts.attention })}`}
        </span>
        {signedIn ? (
          <button type="button" class="button secondary small" onClick={() => void signOut()}>
            {t('desk.signOut')}
          </button>
        ) : (
          <Link href="/staff">{t('desk.signIn')}</Link>
        )}
      </div>
      {confirmSignOut !== undefined && (
        <div class="warning-box" role="alertdialog" aria-labelledby="signout-title" data-testid="signout-warning">
          <h2 id="signout-title">{t('desk.unsentTitle', { count: confirmSignOut })}</h2>
          <p>{t('desk.unsentBody')}</p>
          <button type="button" class="button warning" onClick={() => void signOut(true)}>
            {t('desk.signOutAnyway')}
          </button>{' '}
          <button type="button" class="button secondary" onClick={() => setConfirmSignOut(undefined)}>
            {t('desk.stay')}
          </button>
        </div>
      )}
      {refusal && (
        <div class="error-summary" role="alert" data-testid="refusal">
          <h2>{t('desk.refused')}</h2>
          <p>{refusal}</p>
        </div>
      )}
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {!signedIn && counts.waiting > 0 && (
        <p class="notice" data-testid="sign-in-to-send">
          {t('desk.signInToSend', { count: counts.waiting })}
        </p>
      )}
      {!refusal && pack && (
        <>
          <p class="hint">
            {t('desk.downloadedAt', { time: wib(pack.downloadedAt) })}{' '}
            <button type="button" class="link" disabled={!online || !signedIn} onClick={() => void refresh()}>
              {t('desk.download')}
            </button>
          </p>
          <form
            class="desk-slip"
            onSubmit={(e) => {
              e.preventDefault();
              openBySlip(slip);
            }}
          >
            <label for="slip">{t('desk.slip')}</label>
            <input
              id="slip"
              autoComplete="off"
              autoCapitalize="characters"
              value={slip}
              onInput={(e) => setSlip(e.currentTarget.value)}
              accessKey="s"
            />
            <button class="button" type="submit">
              {t('desk.open')}
            </button>
            <button type="button" class="button secondary" onClick={() => setScanning((s) => !s)}>
              {scanning ? t('desk.scanStop') : t('desk.scan')}
            </button>
          </form>
          {scanning && <Scanner onCode={(code) => (setScanning(false), openBySlip(code))} />}
          <div class="desk-columns">
            <div class="desk-main">
              <DayList
                pack={pack}
                entries={entries}
                selectedId={selected?.id}
                onOpen={(id) => (setSelectedChild(undefined), setSelected({ id }))}
              />
              <DueList
                pack={pack}
                entries={entries}
                selectedId={selectedChild}
                onOpen={(id) => (setSelected(undefined), setSelectedChild(id))}
              />
            </div>
            <div class="desk-side">
              {selectedDueChild ? (
                <DueChildPanel
                  key={selectedDueChild.personId}
                  child={selectedDueChild}
                  pack={pack}
                  entries={entries}
                  me={me}
                  onDone={() => {
                    setSelectedChild(undefined);
                    document.getElementById('slip')?.focus();
                  }}
                />
              ) : selectedAppointment ? (
                <PersonPanel
                  key={selectedAppointment.id}
                  appointment={selectedAppointment}
                  verifiedSlip={selected?.slip}
                  pack={pack}
                  entries={entries}
                  online={online && signedIn}
                  me={me}
                  onPack={async (p) => {
                    await savePack(p);
                    setPack(p);
                  }}
                  onRefresh={refresh}
                  onDone={() => {
                    // The next person: straight back to the slip code.
                    setSelected(undefined);
                    document.getElementById('slip')?.focus();
                  }}
                />
              ) : (
                <p class="hint">{t('desk.pick')}</p>
              )}
              {/* Keyed by facility: another facility's day (the tablet's last one, before the worker is known) starts a new form. */}
              <WalkIn key={pack.facilityId} pack={pack} online={online && signedIn} onDone={refresh} />
              <SessionEnd key={pack.facilityId} pack={pack} online={online && signedIn} onDone={refresh} />
            </div>
          </div>
        </>
      )}
      <Entries entries={entries} online={online && signedIn} />
    </div>
  );
}

function DayList(props: { pack: DayPack; entries: Entry[]; selectedId?: string; onOpen: (id: string) => void }): preact.JSX.Element {
  const bySlot = useMemo(() => {
    const groups = new Map<string, DayAppointment[]>();
    for (const a of props.pack.appointments) {
      const key = `${a.slot.startTime}–${a.slot.endTime}`;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    return [...groups.entries()];
  }, [props.pack]);
  if (props.pack.appointments.length === 0) return <p data-testid="day-empty">{t('desk.empty')}</p>;
  return (
    <table class="day" data-testid="day-list">
      <caption>{t('desk.dayList', { count: props.pack.appointments.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('desk.queue')}</th>
          <th scope="col">{t('desk.name')}</th>
          <th scope="col">{t('desk.dose')}</th>
          <th scope="col">{t('desk.statusHeader')}</th>
        </tr>
      </thead>
      {bySlot.map(([slot, list]) => (
        <tbody key={slot}>
          <tr class="slot-row">
            <th colSpan={4} scope="colgroup">
              {slot}
            </th>
          </tr>
          {list.map((a) => {
            const step = stepFor(a, props.pack, props.entries);
            const status = a.status === 'BOOKED' && step !== 'check-in' ? 'LOCAL' : a.status;
            return (
              <tr key={a.id} class={props.selectedId === a.id ? 'selected' : ''} data-testid="day-row" data-slip={a.slipCode}>
                <td>{a.queueNumber}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.onOpen(a.id)}>
                    {a.fullName}
                  </button>{' '}
                  <span class="muted">{a.maskedNik}</span>
                  {a.walkIn && <span class="tag">{t('desk.walkIn')}</span>}
                </td>
                <td>{a.doseKind}</td>
                <td>
                  <span class={`status s-${status}`} data-testid="day-status">
                    {step === 'done' && a.status !== 'COMPLETED'
                      ? t('desk.status.ENTERED')
                      : t(`desk.status.${status}`, { defaultValue: status })}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}

function PersonPanel(props: {
  appointment: DayAppointment;
  verifiedSlip?: string;
  pack: DayPack;
  entries: Entry[];
  online: boolean;
  me?: { displayName: string | null; facilityId: string | null } | undefined;
  onPack: (p: DayPack) => Promise<void>;
  onRefresh: () => Promise<void>;
  onDone: () => void;
}): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const a = props.appointment;
  const step = stepFor(a, props.pack, props.entries);
  const [slip, setSlip] = useState(props.verifiedSlip ?? '');
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [a.id, step]);

  const checkIn = async (e: Event): Promise<void> => {
    e.preventDefault();
    const code = slip.trim().toUpperCase();
    if (code !== a.slipCode) {
      setError(t('desk.slipMismatch'));
      return;
    }
    setError('');
    if (!props.online) {
      await props.onPack({ ...props.pack, localCheckIns: [...props.pack.localCheckIns, a.id] });
      return;
    }
    const r = await client.mutation(DeskCheckIn, { appointmentId: a.id, slipCode: code }).toPromise();
    const err = firstError(r.error);
    if (err) return setError(msg(err, lang));
    if (r.error) {
      // No answer: checked in on this device; the dose completes the visit when it is sent.
      await props.onPack({ ...props.pack, localCheckIns: [...props.pack.localCheckIns, a.id] });
      return;
    }
    await props.onRefresh();
  };

  return (
    <section class="panel-person" aria-labelledby="person-title" data-testid="person" data-step={step}>
      <h2 id="person-title" tabIndex={-1} ref={heading}>
        {a.queueNumber}. {a.fullName}
      </h2>
      <p class="muted">
        {a.maskedNik} · {a.birthDate} · {a.programme} {a.doseKind} · {a.slot.startTime}
      </p>
      <ol class="steps" aria-label={t('desk.steps')}>
        {(['check-in', 'dose', 'done'] as const).map((s) => (
          <li key={s} class={s === step || (s === 'dose' && step === 'register') ? 'current' : ''}>
            {t(`desk.step.${s}`)}
          </li>
        ))}
      </ol>
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
      {step === 'check-in' && (
        <form onSubmit={(e) => void checkIn(e)}>
          <label for="verify-slip">{t('desk.verifySlip')}</label>
          <input id="verify-slip" autoComplete="off" value={slip} onInput={(e) => setSlip(e.currentTarget.value)} />{' '}
          <button class="button" type="submit">
            {t('desk.checkIn')}
          </button>
        </form>
      )}
      {step === 'register' && <Register appointment={a} online={props.online} onDone={props.onRefresh} />}
      {step === 'dose' && <DoseEntry appointment={a} pack={props.pack} me={props.me} onDone={props.onDone} />}
      {step === 'closed' && <p class="notice">{t(`desk.status.${a.status}`, { defaultValue: a.status })}</p>}
      {step === 'done' && <Done appointment={a} pack={props.pack} entries={props.entries} online={props.online} onDone={props.onRefresh} />}
    </section>
  );
}

/** A booked adult the registry does not know yet: the NIK from the ID card, the rest from the booking. */
function Register(props: { appointment: DayAppointment; online: boolean; onDone: () => Promise<void> }): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [nik, setNik] = useState('');
  const [error, setError] = useState('');
  const a = props.appointment;
  // A walk-in's or a just-registered person's link arrives by booking's events: look again while this is open.
  useEffect(() => {
    if (!props.online) return;
    const timer = setInterval(() => void props.onDone(), 2000);
    return () => clearInterval(timer);
  }, [props.online]);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await client
      .mutation(DeskRegisterPerson, {
        input: {
          nik: nik.trim(),
          fullName: a.fullName,
          birthDate: a.birthDate,
          sex: a.sex,
          residenceKelurahanCode: a.residenceKelurahanCode,
        },
      })
      .toPromise();
    const err = firstError(r.error);
    if (err && err.code !== 'DUPLICATE') return setError(msg(err, lang));
    await waitForPerson(props.onDone);
  };
  if (!props.online) return <p>{t('desk.registerOnline')}</p>;
  return (
    <form onSubmit={(e) => void submit(e)}>
      <p>{t('desk.registerHint')}</p>
      <label for="register-nik">{t('desk.nik')}</label>
      <input id="register-nik" inputMode="numeric" maxLength={16} value={nik} onInput={(e) => setNik(e.currentTarget.value)} />{' '}
      <button class="button" type="submit">
        {t('desk.register')}
      </button>
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The registry learns of appointments from booking's events: a newly linked person shows after a moment. */
async function waitForPerson(refresh: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await refresh();
    await new Promise((r) => setTimeout(r, 500 * (i + 1)));
  }
  await refresh();
}

function DoseEntry(props: {
  appointment: DayAppointment;
  pack: DayPack;
  me?: { displayName: string | null; facilityId: string | null } | undefined;
  onDone: () => void;
}): preact.JSX.Element {
  const a = props.appointment;
  const choices = lotChoices(props.pack, a.productCode);
  const remembered = productDefaults()[a.productCode];
  const initialLot =
    remembered && choices.some((c) => c.lotNumber === remembered.lotNumber) ? remembered.lotNumber : (choices[0]?.lotNumber ?? '');
  const client = useClient();
  const [lot, setLot] = useState(initialLot);
  const [vaccinator, setVaccinator] = useState(initialVaccinator(props.pack, remembered?.vaccinatorName, props.me?.displayName));
  const [error, setError] = useState('');
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!lot) return setError(t('desk.lotRequired'));
    if (!a.person) return;
    const chosen = choices.find((c) => c.lotNumber === lot);
    const entry: Entry = {
      clientRecordId: crypto.randomUUID(),
      facilityId: props.pack.facilityId,
      createdAt: new Date().toISOString(),
      input: {
        personId: a.person.id,
        programme: a.programme,
        doseKind: a.doseKind,
        productCode: a.productCode,
        lotNumber: lot,
        expirationDate: chosen?.expiryDate ?? null,
        administeredAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        appointmentId: a.id,
        slipCode: a.slipCode,
        vaccinatorName: vaccinator.trim() || null,
      },
      label: { fullName: a.fullName, doseKind: a.doseKind, slipCode: a.slipCode },
      state: 'waiting',
    };
    // Kept on the device first: nothing is lost whatever happens to the network or the tab.
    await saveEntry(entry);
    rememberDefaults(a.productCode, { lotNumber: lot, expirationDate: chosen?.expiryDate ?? null, vaccinatorName: vaccinator.trim() });
    entriesChanged();
    props.onDone();
    void syncAll(client, props.me?.facilityId);
  };
  return (
    <form onSubmit={(e) => void submit(e)} data-testid="dose-form">
      <LotField id="lot" productCode={a.productCode} choices={choices} value={lot} onChange={setLot} />
      <RecordFields pack={props.pack} me={props.me} vaccinator={vaccinator} onVaccinator={setVaccinator} error={error} />
    </form>
  );
}

/** The lot of a dose entry: the product's usable lots, the FEFO one marked. */
function LotField(props: {
  id: string;
  productCode: string;
  choices: ReturnType<typeof lotChoices>;
  value: string;
  onChange: (lot: string) => void;
}): preact.JSX.Element {
  return (
    <div class="field-row">
      <label for={props.id}>
        {t('desk.lot')} ({props.productCode})
      </label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.choices.length === 0 && <option value="">{t('desk.noLots')}</option>}
        {props.choices.map((c) => (
          <option key={c.lotNumber} value={c.lotNumber}>
            {c.lotNumber} · {t('desk.expires', { date: c.expiryDate })}
            {c.fefo ? ` · ${t('desk.fefo')}` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The end of a dose entry: who vaccinated, the form's error, the record button. */
function RecordFields(props: {
  pack: DayPack;
  me?: { displayName: string | null; facilityId: string | null } | undefined;
  vaccinator: string;
  onVaccinator: (name: string) => void;
  error: string;
}): preact.JSX.Element {
  return (
    <>
      <VaccinatorField pack={props.pack} me={props.me} value={props.vaccinator} onChange={props.onVaccinator} />
      {props.error && (
        <p class="error-message" role="alert">
          {props.error}
        </p>
      )}
      <button class="button" type="submit">
        {t('desk.record')}
      </button>
    </>
  );
}

/** The vaccinator remembered for the product when still on the facility's list, else the signed-in worker, else the first. */
function initialVaccinator(pack: DayPack, remembered: string | undefined, me: string | null | undefined): string {
  const names = (pack.vaccinators ?? []).map((v) => v.displayName);
  if (names.length === 0) return remembered ?? me ?? '';
  if (remembered && names.includes(remembered)) return remembered;
  if (me && names.includes(me)) return me;
  return names[0]!;
}

/**
 * Who gave the dose: a choice among the facility's health workers downloaded with the day (works offline);
 * typed only when the day was downloaded before the list existed.
 */
function VaccinatorField(props: {
  pack: DayPack;
  me?: { displayName: string | null } | undefined;
  value: string;
  onChange: (v: string) => void;
}): preact.JSX.Element {
  const listed = props.pack.vaccinators ?? [];
  if (listed.length > 0)
    return (
      <div class="field-row">
        <label for="vaccinator">{t('desk.vaccinator')}</label>
        <select id="vaccinator" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          {listed.map((v) => (
            <option key={v.id} value={v.displayName}>
              {v.displayName}
            </option>
          ))}
        </select>
      </div>
    );
  const typed = [...new Set([...knownVaccinators(), ...(props.me?.displayName ? [props.me.displayName] : [])])];
  return (
    <div class="field-row">
      <label for="vaccinator">{t('desk.vaccinator')}</label>
      <input id="vaccinator" list="vaccinators" value={props.value} onInput={(e) => props.onChange(e.currentTarget.value)} />
      <datalist id="vaccinators">
        {typed.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </div>
  );
}

/** The children of the kelurahan with routine doses due today (downloaded with the day; shown offline). */
function DueList(props: {
  pack: DayPack;
  entries: Entry[];
  selectedId?: string;
  onOpen: (personId: string) => void;
}): preact.JSX.Element | null {
  const children = props.pack.dueChildren ?? [];
  return (
    <section class="desk-due" aria-labelledby="due-title">
      <h2 id="due-title">{t('desk.dueTitle', { count: children.length })}</h2>
      {children.length === 0 ? (
        <p data-testid="due-empty">{t('desk.dueEmpty')}</p>
      ) : (
        <table class="day" data-testid="due-list" aria-labelledby="due-title">
          <thead>
            <tr>
              <th scope="col">{t('desk.name')}</th>
              <th scope="col">{t('desk.birthDate')}</th>
              <th scope="col">{t('desk.dueDoses')}</th>
            </tr>
          </thead>
          <tbody>
            {children.map((c) => {
              const left = dueLeft(c, props.entries);
              return (
                <tr
                  key={c.personId}
                  class={props.selectedId === c.personId ? 'selected' : ''}
                  data-testid="due-row"
                  data-person={c.personId}
                >
                  <td>
                    <button type="button" class="link" onClick={() => props.onOpen(c.personId)}>
                      {c.fullName}
                    </button>{' '}
                    {c.nikMasked && <span class="muted">{c.nikMasked}</span>}
                  </td>
                  <td>{c.birthDate}</td>
                  <td data-testid="due-doses">
                    {left.length === 0
                      ? t('desk.status.ENTERED')
                      : left.map((d) => `${d.doseKind}${d.status === 'OVERDUE' ? ` (${t('desk.overdue')})` : ''}`).join(', ')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A due child at the posyandu (no appointment): the dose, the lot (FEFO first) and the vaccinator; kept on the device first. */
function DueChildPanel(props: {
  child: DueChild;
  pack: DayPack;
  entries: Entry[];
  me?: { displayName: string | null; facilityId: string | null } | undefined;
  onDone: () => void;
}): preact.JSX.Element {
  const client = useClient();
  const c = props.child;
  const left = dueLeft(c, props.entries);
  const [doseKind, setDoseKind] = useState(left[0]?.doseKind ?? '');
  const dose = c.dueDoses.find((d) => d.doseKind === doseKind);
  const productCode = dose ? productFor(props.pack, dose.productCodes) : undefined;
  const choices = productCode ? lotChoices(props.pack, productCode) : [];
  const remembered = productCode ? productDefaults()[productCode] : undefined;
  const [lot, setLot] = useState('');
  const chosenLot =
    lot && choices.some((x) => x.lotNumber === lot)
      ? lot
      : remembered && choices.some((x) => x.lotNumber === remembered.lotNumber)
        ? remembered.lotNumber
        : (choices[0]?.lotNumber ?? '');
  const [vaccinator, setVaccinator] = useState(initialVaccinator(props.pack, remembered?.vaccinatorName, props.me?.displayName));
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [c.personId]);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!dose || !productCode) return;
    if (!chosenLot) return setError(t('desk.lotRequired'));
    const picked = choices.find((x) => x.lotNumber === chosenLot);
    const entry: Entry = {
      clientRecordId: crypto.randomUUID(),
      facilityId: props.pack.facilityId,
      createdAt: new Date().toISOString(),
      input: {
        personId: c.personId,
        programme: c.programme,
        doseKind: dose.doseKind,
        productCode,
        lotNumber: chosenLot,
        expirationDate: picked?.expiryDate ?? null,
        administeredAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        vaccinatorName: vaccinator.trim() || null,
      },
      label: { fullName: c.fullName, doseKind: dose.doseKind },
      state: 'waiting',
    };
    await saveEntry(entry);
    rememberDefaults(productCode, { lotNumber: chosenLot, expirationDate: picked?.expiryDate ?? null, vaccinatorName: vaccinator.trim() });
    entriesChanged();
    props.onDone();
    void syncAll(client, props.me?.facilityId);
  };
  return (
    <section class="panel-person" aria-labelledby="due-child-title" data-testid="due-child">
      <h2 id="due-child-title" tabIndex={-1} ref={heading}>
        {c.fullName}
      </h2>
      <p class="muted">
        {c.nikMasked ?? t('desk.noNik')} · {c.birthDate} · {t(`desk.sex${c.sex}`, { defaultValue: c.sex })}
      </p>
      {left.length === 0 ? (
        <p class="notice">{t('desk.status.ENTERED')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} data-testid="due-form">
          <div class="field-row">
            <label for="due-dose">{t('desk.dose')}</label>
            <select id="due-dose" value={doseKind} onChange={(e) => (setDoseKind(e.currentTarget.value), setLot(''))}>
              {left.map((d) => (
                <option key={d.doseKind} value={d.doseKind}>
                  {d.doseKind}
                  {d.status === 'OVERDUE' ? ` · ${t('desk.overdue')}` : ''}
                </option>
              ))}
            </select>
          </div>
          <LotField id="due-lot" productCode={productCode ?? '—'} choices={choices} value={chosenLot} onChange={setLot} />
          <RecordFields pack={props.pack} me={props.me} vaccinator={vaccinator} onVaccinator={setVaccinator} error={error} />
        </form>
      )}
    </section>
  );
}

function Done(props: { appointment: DayAppointment; pack: DayPack; entries: Entry[]; online: boolean; onDone: () => Promise<void> }) {
  const lang = useLanguage();
  const client = useClient();
  const a = props.appointment;
  const entry = props.entries.find((e) => e.input.appointmentId === a.id && !e.resolution);
  const record =
    a.person?.doseRecords.edges
      .map((e) => e.node)
      .find((d) => d.status === 'ACTIVE' && d.programme === a.programme && d.doseKind === a.doseKind) ?? undefined;
  const recordId = entry?.saved?.id ?? record?.id;
  const [correcting, setCorrecting] = useState(false);
  const [reason, setReason] = useState('');
  const [lot, setLot] = useState('');
  const [error, setError] = useState('');
  const [corrected, setCorrected] = useState('');
  const correct = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!recordId || !a.person) return;
    const base = entry?.input ?? {
      personId: a.person.id,
      programme: a.programme,
      doseKind: a.doseKind,
      productCode: a.productCode,
      lotNumber: record?.lotNumber ?? '',
      administeredAt: record?.administeredAt ?? new Date().toISOString(),
      appointmentId: a.id,
      slipCode: a.slipCode,
    };
    // The replacement is a new record of the same dose: no device id (that names the first entry).
    const replacement = {
      personId: base.personId,
      programme: base.programme,
      doseKind: base.doseKind,
      productCode: base.productCode,
      lotNumber: lot || base.lotNumber,
      expirationDate: lot ? lotChoices(props.pack, a.productCode).find((c) => c.lotNumber === lot)?.expiryDate : base.expirationDate,
      administeredAt: base.administeredAt,
      appointmentId: base.appointmentId,
      slipCode: base.slipCode,
    };
    const r = await client.mutation(DeskCorrectDose, { input: { doseRecordId: recordId, reason, replacement } }).toPromise();
    const err = firstError(r.error);
    if (err || !r.data) return setError(err ? msg(err, lang) : t('common.network'));
    setCorrected(r.data.correctDose.replacement?.id ?? '');
    if (entry)
      await patchEntry(entry.clientRecordId, {
        saved: { ...entry.saved!, id: r.data.correctDose.replacement!.id, lotNumber: lot || base.lotNumber },
      });
    entriesChanged();
    setCorrecting(false);
    await props.onDone();
  };
  return (
    <div data-testid="done">
      <p class="notice">
        {entry && entry.state !== 'saved' ? t(`desk.state.${entry.state}`) : t('desk.given')}
        {(entry?.saved ?? record) && ` · ${t('desk.lot')} ${(entry?.saved ?? record)!.lotNumber}`}
      </p>
      {corrected && (
        <p role="status" data-testid="corrected">
          {t('desk.corrected')}
        </p>
      )}
      {recordId && props.online && !correcting && (
        <button type="button" class="button secondary" onClick={() => setCorrecting(true)}>
          {t('desk.correct')}
        </button>
      )}
      {correcting && (
        <form onSubmit={(e) => void correct(e)} data-testid="correct-form">
          <label for="correct-lot">{t('desk.correctLot')}</label>
          <select id="correct-lot" value={lot} onChange={(e) => setLot(e.currentTarget.value)}>
            <option value="">{t('desk.sameLot')}</option>
            {lotChoices(props.pack, a.productCode).map((c) => (
              <option key={c.lotNumber} value={c.lotNumber}>
                {c.lotNumber}
              </option>
            ))}
          </select>
          <label for="correct-reason">{t('desk.reason')}</label>
          <input id="correct-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          {error && (
            <p class="error-message" role="alert">
              {error}
            </p>
          )}
          <button class="button" type="submit">
            {t('desk.saveCorrection')}
          </button>
        </form>
      )}
    </div>
  );
}

function WalkIn(props: { pack: DayPack; online: boolean; onDone: () => Promise<void> }): preact.JSX.Element | null {
  const lang = useLanguage();
  const client = useClient();
  const sessions = props.pack.sessions;
  const [form, setForm] = useState({
    sessionId: sessions[0]?.id ?? '',
    nik: '',
    fullName: '',
    birthDate: '',
    sex: 'FEMALE',
    residenceKelurahanCode: props.pack.facility.kelurahanCode,
    doseKind: sessions[0]?.doseKinds[0] ?? '',
  });
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  // The day can change under the form (downloaded again, a session added or closed): what the form holds is
  // used only while the day still has it, else the first session and its first dose.
  const session = sessions.find((s) => s.id === form.sessionId) ?? sessions[0];
  const sessionId = session?.id ?? '';
  const doseKind = session?.doseKinds.includes(form.doseKind) ? form.doseKind : (session?.doseKinds[0] ?? '');
  const set = (name: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [name]: (e.currentTarget as HTMLInputElement).value }));
  if (sessions.length === 0) return null;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError('');
    const person = {
      nik: form.nik.trim(),
      fullName: form.fullName.trim(),
      birthDate: form.birthDate || null,
      sex: (form.sex || null) as Sex | null,
      residenceKelurahanCode: form.residenceKelurahanCode,
    };
    const reg = await client.mutation(DeskRegisterPerson, { input: person }).toPromise();
    const regErr = firstError(reg.error);
    if (regErr && regErr.code !== 'DUPLICATE') return setError(msg(regErr, lang));
    const r = await client.mutation(DeskWalkIn, { input: { ...person, sessionId, doseKind } }).toPromise();
    const err = firstError(r.error);
    if (err || !r.data) return setError(err ? msg(err, lang) : t('common.network'));
    setDone(t('desk.walkInDone', { queue: r.data.recordWalkIn.queueNumber, slip: r.data.recordWalkIn.slipCode }));
    setForm((f) => ({ ...f, nik: '', fullName: '', birthDate: '' }));
    await waitForPerson(props.onDone);
  };
  return (
    <details class="desk-box">
      <summary>{t('desk.walkInTitle')}</summary>
      {!props.online ? (
        <p>{t('desk.walkInOnline')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} data-testid="walk-in">
          <label for="wi-session">{t('desk.session')}</label>
          <select id="wi-session" value={sessionId} onChange={set('sessionId')}>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.startTime}–{s.endTime} {s.programme}
              </option>
            ))}
          </select>
          <label for="wi-dose">{t('desk.dose')}</label>
          <select id="wi-dose" value={doseKind} onChange={set('doseKind')}>
            {(session?.doseKinds ?? []).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <label for="wi-nik">{t('desk.nik')}</label>
          <input id="wi-nik" inputMode="numeric" maxLength={16} value={form.nik} onInput={set('nik')} />
          <label for="wi-name">{t('desk.name')}</label>
          <input id="wi-name" value={form.fullName} onInput={set('fullName')} />
          <label for="wi-birth">{t('desk.birthDate')}</label>
          <input id="wi-birth" type="date" value={form.birthDate} onInput={set('birthDate')} />
          <fieldset>
            <legend>{t('desk.sex')}</legend>
            {(['FEMALE', 'MALE'] as const).map((s) => (
              <label class="radio" key={s}>
                <input type="radio" name="wi-sex" value={s} checked={form.sex === s} onChange={set('sex')} />
                {t(`desk.sex${s}`)}
              </label>
            ))}
          </fieldset>
          {error && (
            <p class="error-message" role="alert">
              {error}
            </p>
          )}
          {done && (
            <p role="status" data-testid="walk-in-done">
              {done}
            </p>
          )}
          <button class="button" type="submit">
            {t('desk.walkInSave')}
          </button>
        </form>
      )}
    </details>
  );
}

function SessionEnd(props: { pack: DayPack; online: boolean; onDone: () => Promise<void> }): preact.JSX.Element | null {
  const lang = useLanguage();
  const client = useClient();
  const [result, setResult] = useState<Record<string, string>>({});
  if (props.pack.sessions.length === 0) return null;
  const mark = async (sessionId: string): Promise<void> => {
    const r = await client.mutation(DeskNoShows, { sessionId }).toPromise();
    const err = firstError(r.error);
    setResult((x) => ({
      ...x,
      [sessionId]: err ? msg(err, lang) : r.data ? t('desk.noShowsDone', { count: r.data.markNoShows.length }) : t('common.network'),
    }));
    if (r.data) await props.onDone();
  };
  return (
    <section class="desk-box" aria-labelledby="session-end-title">
      <h2 id="session-end-title">{t('desk.sessionEnd')}</h2>
      {props.pack.sessions.map((s) => {
        const left = props.pack.appointments.filter((a) => a.session.id === s.id && a.status === 'BOOKED').length;
        return (
          <p key={s.id}>
            {s.startTime}–{s.endTime}: {t('desk.stillBooked', { count: left })}{' '}
            <button type="button" class="button secondary small" disabled={!props.online} onClick={() => void mark(s.id)}>
              {t('desk.markNoShows')}
            </button>{' '}
            {result[s.id] && (
              <span role="status" data-testid="no-shows">
                {result[s.id]}
              </span>
            )}
          </p>
        );
      })}
    </section>
  );
}

function Entries(props: { entries: Entry[]; online: boolean }): preact.JSX.Element | null {
  if (props.entries.length === 0) return null;
  return (
    <section aria-labelledby="entries-title" class="desk-entries">
      <h2 id="entries-title">{t('desk.entries', { count: props.entries.length })}</h2>
      <ul class="entries" data-testid="entries">
        {props.entries.map((e) => (
          <EntryRow key={e.clientRecordId} entry={e} online={props.online} />
        ))}
      </ul>
    </section>
  );
}

function EntryRow(props: { entry: Entry; online: boolean }): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const e = props.entry;
  const [lot, setLot] = useState(e.input.lotNumber);
  const [error, setError] = useState('');
  const state = e.resolution ? 'resolved' : e.state;
  // The booking changed while the dose was given offline (cancelled from home, completed elsewhere): the dose
  // was still given, so it is recorded without the appointment.
  const appointmentGone = e.error?.field === 'appointmentId' && !!e.input.appointmentId;
  const resend = async (withoutAppointment = false): Promise<void> => {
    // A corrected entry is a new entry: a new record id, or the server would call it a conflict.
    const next: Entry = {
      ...e,
      clientRecordId: crypto.randomUUID(),
      input: withoutAppointment
        ? { ...e.input, lotNumber: lot, appointmentId: undefined, slipCode: undefined }
        : { ...e.input, lotNumber: lot },
      state: 'waiting',
      error: undefined,
    };
    await saveEntry(next);
    await removeEntry(e.clientRecordId);
    entriesChanged();
    if (props.online) await sendEntry(client, next);
  };
  const keepOther = async (): Promise<void> => {
    await patchEntry(e.clientRecordId, { resolution: 'kept-other' });
    entriesChanged();
  };
  const replaceOther = async (): Promise<void> => {
    if (!e.other) return;
    const replacement = { ...e.input, clientRecordId: undefined, vaccinatorName: undefined };
    const r = await client
      .mutation(DeskCorrectDose, {
        input: { doseRecordId: e.other.id, reason: t('desk.replaceReason', { date: wib(e.createdAt, true) }), replacement },
      })
      .toPromise();
    const err = firstError(r.error);
    if (err || !r.data?.correctDose.replacement) return setError(err ? msg(err, lang) : t('common.network'));
    const rep = r.data.correctDose.replacement;
    await patchEntry(e.clientRecordId, {
      resolution: 'replaced-other',
      saved: { id: rep.id, lotNumber: rep.lotNumber, productCode: e.input.productCode, administeredAt: e.input.administeredAt },
    });
    entriesChanged();
  };
  return (
    <li class={`entry e-${state}`} data-testid="entry" data-state={state} data-id={e.clientRecordId}>
      <div class="entry-head">
        <strong>{e.label.fullName}</strong> · {e.input.programme} {e.label.doseKind} · {e.input.lotNumber}
        {e.input.vaccinatorName ? ` · ${e.input.vaccinatorName}` : ''} · {wib(e.input.administeredAt)}{' '}
        <span class={`status st-${state}`} data-testid="entry-state">
          {t(`desk.state.${state}`)}
        </span>
      </div>
      {e.state === 'conflict' && !e.resolution && (
        <div class="conflict" data-testid="conflict">
          <p>{msg(e.error, lang)}</p>
          <table class="compare">
            <caption>{t('desk.compare')}</caption>
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">{t('desk.mine')}</th>
                <th scope="col">{t('desk.theirs', { place: e.other?.facilityName ?? '—' })}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('desk.lot')}</th>
                <td>{e.input.lotNumber}</td>
                <td>{e.other?.lotNumber ?? '—'}</td>
              </tr>
              <tr>
                <th scope="row">{t('desk.given')}</th>
                <td>{wib(e.input.administeredAt, true)}</td>
                <td>{e.other?.administeredAt ? wib(e.other.administeredAt, true) : '—'}</td>
              </tr>
              <tr>
                <th scope="row">{t('desk.vaccinator')}</th>
                <td>{e.input.vaccinatorName ?? '—'}</td>
                <td>{e.other?.vaccinatorName ?? '—'}</td>
              </tr>
            </tbody>
          </table>
          <button type="button" class="button secondary" onClick={() => void keepOther()}>
            {t('desk.keepOther')}
          </button>{' '}
          <button type="button" class="button secondary" disabled={!props.online || !e.other} onClick={() => void replaceOther()}>
            {t('desk.replaceOther')}
          </button>
        </div>
      )}
      {e.state === 'needs-correction' && !e.resolution && (
        <div class="conflict" data-testid="needs-correction">
          <p class="error-message">{msg(e.error, lang)}</p>
          <label for={`fix-lot-${e.clientRecordId}`}>{t('desk.lot')}</label>
          <input id={`fix-lot-${e.clientRecordId}`} value={lot} onInput={(ev) => setLot(ev.currentTarget.value)} />{' '}
          <button type="button" class="button secondary" onClick={() => void resend()}>
            {t('desk.sendAgain')}
          </button>{' '}
          {appointmentGone && (
            <>
              <button type="button" class="button secondary" onClick={() => void resend(true)}>
                {t('desk.sendWithoutAppointment')}
              </button>{' '}
            </>
          )}
          <button
            type="button"
            class="button warning"
            onClick={() => void patchEntry(e.clientRecordId, { resolution: 'kept-other' }).then(entriesChanged)}
          >
            {t('desk.discard')}
          </button>
        </div>
      )}
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** The camera: qr-scanner loads only when the worker asks for it (its own chunk, a worker for decoding). */
function Scanner(props: { onCode: (code: string) => void }): preact.JSX.Element {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void import('qr-scanner')
      .then(async ({ default: QrScanner }) => {
        if (cancelled || !video.current) return;
        const scanner = new QrScanner(video.current, (r) => props.onCode(r.data), { returnDetailedScanResult: true });
        stop = () => scanner.destroy();
        await scanner.start();
      })
      .catch(() => setError(t('desk.noCamera')));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
  return (
    <div class="scanner">
      <video ref={video} muted playsInline aria-label={t('desk.scan')} />
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
