import type { Sex } from '../gql/graphql.js';
import { useMemo, useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { BookAppointment, KecamatanList, KelurahanList, SessionPage as SessionQuery } from '../operations.js';
import { composeDate, readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { BirthDateInputs, ErrorSummary, Field, mistakeFor, navigate, t, useLanguage } from '../ui.js';
import { remember } from '../slip.js';
import { formatDate, formatTimeRange } from '../dates.js';

const EMPTY: Mistakes = { fields: [], general: [] };
const FORM_ORDER = ['nik', 'fullName', 'birthDate', 'sex', 'phone', 'residenceKelurahanCode', 'doseKind'];

/** What stays for the next family member: the phone and the kelurahan (the same household). */
const household = { phone: '', kecamatan: '', kelurahan: '' };

export function BookPage(props: { sessionId: string; slotId: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [session] = useQuery({ query: SessionQuery, variables: { id: props.sessionId } });
  const [form, setForm] = useState({
    nik: '',
    fullName: '',
    day: '',
    month: '',
    year: '',
    sex: '',
    phone: household.phone,
    kecamatan: household.kecamatan,
    kelurahan: household.kelurahan,
    doseKind: '',
  });
  const [kecs] = useQuery({ query: KecamatanList });
  const [kels] = useQuery({ query: KelurahanList, variables: { parentCode: form.kecamatan }, pause: !form.kecamatan });
  const [booking, book] = useMutation(BookAppointment);
  const [mistakes, setMistakes] = useState<Mistakes>(EMPTY);
  // One key per filled-in form: a retry (by the app or a double click) is the same submission.
  const [key, setKey] = useState(newIdempotencyKey);
  const s = session.data?.session;
  const slot = s?.slots.find((x) => x.id === props.slotId);
  const doseKinds = s?.doseKinds ?? [];
  const doseKind = form.doseKind || doseKinds[0] || '';
  const set =
    (name: keyof typeof form) =>
    (e: Event): void => {
      const value = (e.currentTarget as HTMLInputElement).value;
      setForm((f) => ({ ...f, [name]: value, ...(name === 'kecamatan' ? { kelurahan: '' } : {}) }));
      setKey(newIdempotencyKey());
    };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const input = {
      nik: form.nik.trim(),
      fullName: form.fullName,
      // Left empty, they are sent as null so that the service names them with every other mistake at once
      // (a value GraphQL cannot read as a Date or a Sex is refused before the service sees the rest).
      birthDate: form.day || form.month || form.year ? composeDate(form.day, form.month, form.year) : null,
      sex: (form.sex || null) as Sex | null,
      phone: form.phone,
      residenceKelurahanCode: form.kelurahan,
      doseKind,
      slotId: props.slotId,
    };
    const result = await book({ input }, idempotent(key));
    if (result.data) {
      household.phone = form.phone;
      household.kecamatan = form.kecamatan;
      household.kelurahan = form.kelurahan;
      remember(result.data.bookAppointment, props.sessionId);
      navigate(`/confirmation/${result.data.bookAppointment.id}`);
      return;
    }
    const found = readMistakes(result.error, lang, t('common.network'));
    // The summary lists mistakes in the order of the form, top to bottom.
    found.fields.sort((a, b) => FORM_ORDER.indexOf(a.field) - FORM_ORDER.indexOf(b.field));
    setMistakes(found);
  };
  const shown = useMemo(() => mistakes, [mistakes]);
  return (
    <>
      <ErrorSummary mistakes={shown} />
      <h1>{t('book.title')}</h1>
      {s && slot && (
        <p>
          {s.facility.name} · {formatDate(s.date, lang)} {formatTimeRange(slot.startTime, slot.endTime, lang)} · {s.product?.name ?? '—'}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="nik" label={t('book.nik')} hint={t('book.nikHint')} mistakes={shown}>
          {(d) => (
            <input id="nik" name="nik" inputMode="numeric" autoComplete="off" value={form.nik} onInput={set('nik')} aria-describedby={d} />
          )}
        </Field>
        <Field id="fullName" label={t('book.fullName')} mistakes={shown}>
          {(d) => (
            <input id="fullName" name="fullName" autoComplete="name" value={form.fullName} onInput={set('fullName')} aria-describedby={d} />
          )}
        </Field>
        <div class={`field${mistakeFor(shown, 'birthDate') ? ' field-error' : ''}`} id="field-birthDate">
          <fieldset aria-describedby={`birthDate-hint${mistakeFor(shown, 'birthDate') ? ' birthDate-error' : ''}`}>
            <legend>{t('book.birthDate')}</legend>
            <p class="hint" id="birthDate-hint">
              {t('book.birthHint')}
            </p>
            {mistakeFor(shown, 'birthDate') && (
              <p class="error-message" id="birthDate-error">
                {mistakeFor(shown, 'birthDate')!.message}
              </p>
            )}
            <BirthDateInputs day={form.day} month={form.month} year={form.year} onInput={set} />
          </fieldset>
        </div>
        <div class={`field${mistakeFor(shown, 'sex') ? ' field-error' : ''}`} id="field-sex">
          <fieldset>
            <legend>{t('book.sex')}</legend>
            {mistakeFor(shown, 'sex') && <p class="error-message">{mistakeFor(shown, 'sex')!.message}</p>}
            <label class="radio">
              <input type="radio" id="sex" name="sex" value="FEMALE" checked={form.sex === 'FEMALE'} onChange={set('sex')} />{' '}
              {t('book.female')}
            </label>
            <label class="radio">
              <input type="radio" name="sex" value="MALE" checked={form.sex === 'MALE'} onChange={set('sex')} /> {t('book.male')}
            </label>
          </fieldset>
        </div>
        <Field id="phone" label={t('book.phone')} hint={t('book.phoneHint')} mistakes={shown}>
          {(d) => (
            <input id="phone" name="phone" type="tel" autoComplete="tel" value={form.phone} onInput={set('phone')} aria-describedby={d} />
          )}
        </Field>
        <div class="field">
          <label for="res-kecamatan">{t('find.kecamatan')}</label>
          <select id="res-kecamatan" value={form.kecamatan} onChange={set('kecamatan')}>
            <option value="">{t('book.chooseKecamatan')}</option>
            {kecs.data?.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <Field id="residenceKelurahanCode" label={t('book.kelurahan')} mistakes={shown}>
          {(d) => (
            <select id="residenceKelurahanCode" value={form.kelurahan} onChange={set('kelurahan')} aria-describedby={d}>
              <option value="">{t('book.choose')}</option>
              {kels.data?.areas.map((a) => (
                <option key={a.code} value={a.code}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {doseKinds.length > 1 && (
          <Field id="doseKind" label={t('book.doseKind')} mistakes={shown}>
            {() => (
              <select id="doseKind" value={doseKind} onChange={set('doseKind')}>
                {doseKinds.map((k) => (
                  <option key={k} value={k}>
                    {t(`dose.${k}`, { defaultValue: k })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <button type="submit" class="button" disabled={booking.fetching}>
          {booking.fetching ? t('book.sending') : t('book.submit')}
        </button>
      </form>
    </>
  );
}
