import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatDate } from '../dates.js';
import type { Mistakes } from '../errors.js';
import { ErrorSummary, Field, navigate, t, useLanguage } from '../ui.js';
import { rememberFiled } from './complaints.js';
import { placeMistakes } from './rules.js';
import { Choice, jakartaDay, mistakesOf, NO_MISTAKES, SignedIn } from './common.js';
import type { ComplaintSubject } from './gql/graphql.js';
import { ComplaintCategories, ComplaintDoses, ComplaintFacilities, ComplaintVisits, SubmitComplaint } from './operations.js';

const SUBJECTS: ComplaintSubject[] = ['FACILITY', 'SESSION', 'APPOINTMENT', 'DOSE', 'WEBSITE'];

/** /complaints/new: a guided form in two steps: what it is about, then the details (every mistake at once). */
export function ComplaintFormPage(): preact.JSX.Element {
  return (
    <SignedIn title={t('feedback.form.title')}>
      <ComplaintForm />
    </SignedIn>
  );
}

function ComplaintForm(): preact.JSX.Element {
  const lang = useLanguage();
  const [subject, setSubject] = useState<ComplaintSubject | undefined>();
  const [picked, setPicked] = useState('');
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);

  if (!subject) {
    const next = (e: Event): void => {
      e.preventDefault();
      if (SUBJECTS.includes(picked as ComplaintSubject)) {
        setMistakes(NO_MISTAKES);
        setSubject(picked as ComplaintSubject);
      } else {
        // Nothing to send yet: the one question of this step is answered here, as the API would.
        setMistakes({ general: [], fields: [{ field: 'subjectType', message: t('feedback.form.chooseSubject') }] });
      }
    };
    return (
      <>
        <ErrorSummary mistakes={mistakes} />
        <p class="hint">{t('feedback.form.step1')}</p>
        <h1 tabIndex={-1}>{t('feedback.form.title')}</h1>
        <form onSubmit={next} noValidate>
          <Choice
            name="subjectType"
            legend={t('feedback.form.subject')}
            hint={t('feedback.form.subjectHint')}
            mistakes={mistakes}
            options={SUBJECTS.map((s) => ({ value: s, label: t(`feedback.complaints.subject.${s}`) }))}
            value={picked}
            onChange={setPicked}
          />
          <button type="submit" class="button">
            {t('feedback.form.next')}
          </button>
        </form>
      </>
    );
  }
  return <Details subject={subject} lang={lang} onChange={() => setSubject(undefined)} />;
}

function Details(props: { subject: ComplaintSubject; lang: string; onChange: () => void }): preact.JSX.Element {
  const { subject, lang } = props;
  const en = lang === 'en';
  const [form, setForm] = useState({ facilityId: '', pick: '', category: '', description: '', attachment: '' });
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);
  // One key per filled-in form: a retry (by the app or a double click) is the same submission.
  const [key, setKey] = useState(newIdempotencyKey);
  const set = (name: keyof typeof form) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [name]: value }));
    setKey(newIdempotencyKey());
  };
  const [categories] = useQuery({ query: ComplaintCategories });
  const [facilities] = useQuery({ query: ComplaintFacilities, pause: subject !== 'FACILITY' });
  const [visits] = useQuery({ query: ComplaintVisits, pause: subject !== 'SESSION' && subject !== 'APPOINTMENT' });
  const [doses] = useQuery({ query: ComplaintDoses, pause: subject !== 'DOSE' });
  const [sending, submit] = useMutation(SubmitComplaint);
  const fitting = (categories.data?.complaintCategories ?? []).filter((c) => c.subjects.includes(subject));
  // The lists behind the choices (one line each, should a list become a connection).
  const visitList = visits.data?.myAppointments.edges.map((e) => e.node);
  const doseList = doses.data ? (doses.data.myPerson?.doseRecords.edges.map((e) => e.node) ?? []) : undefined;
  const facilityList = facilities.data?.facilities.edges.map((e) => e.node) ?? [];

  // The facility, and the session, appointment or dose, behind what was picked.
  const target = (): { subjectId: string | null; facilityId: string | null } => {
    if (subject === 'WEBSITE') return { subjectId: null, facilityId: null };
    if (subject === 'FACILITY') return { subjectId: null, facilityId: form.facilityId || null };
    if (subject === 'DOSE') {
      const d = doseList?.find((x) => x.id === form.pick);
      return { subjectId: d?.id ?? null, facilityId: d?.facility?.id ?? null };
    }
    const a = visitList?.find((x) => x.id === form.pick);
    return { subjectId: (subject === 'SESSION' ? a?.session.id : a?.id) ?? null, facilityId: a?.facility.id ?? null };
  };

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    const url = form.attachment.trim();
    const input = {
      subjectType: subject,
      ...target(),
      category: form.category,
      description: form.description,
      attachments: url ? [{ url }] : [],
    };
    const r = await submit({ input }, idempotent(key));
    if (r.data) {
      rememberFiled(r.data.submitComplaint);
      navigate('/complaints');
      return;
    }
    setMistakes(placeMistakes(mistakesOf(r.error, lang), subject !== 'FACILITY' && subject !== 'WEBSITE'));
  };

  const places = facilityList
    .filter((f) => f.type !== 'CITY_STORE')
    .sort((a, b) => (a.area?.name ?? '').localeCompare(b.area?.name ?? '') || a.name.localeCompare(b.name));
  const areas = [...new Set(places.map((p) => p.area?.name ?? ''))];

  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <p class="hint">{t('feedback.form.step2')}</p>
      <h1 tabIndex={-1}>{t('feedback.form.title')}</h1>
      <p>
        {t('feedback.complaints.about')}: <strong data-testid="chosen-subject">{t(`feedback.complaints.subject.${subject}`)}</strong>{' '}
        <button type="button" class="link" onClick={props.onChange}>
          {t('feedback.form.change')}
        </button>
      </p>
      <form onSubmit={(e) => void send(e)} noValidate>
        {subject === 'FACILITY' && (
          <Field name="facilityId" id="facilityId" label={t('feedback.form.facility')} mistakes={mistakes}>
            {(d) => (
              <select id="facilityId" value={form.facilityId} onChange={set('facilityId')} aria-describedby={d}>
                <option value="">{t('feedback.form.chooseFacility')}</option>
                {areas.map((area) => (
                  <optgroup key={area} label={area}>
                    {places
                      .filter((p) => (p.area?.name ?? '') === area)
                      .map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            )}
          </Field>
        )}
        {(subject === 'SESSION' || subject === 'APPOINTMENT') && (
          <Field
            name="subjectId"
            id="subjectId"
            label={t('feedback.form.visit')}
            hint={visitList?.length === 0 ? t('feedback.form.noVisits') : undefined}
            mistakes={mistakes}
          >
            {(d) => (
              <select id="subjectId" value={form.pick} onChange={set('pick')} aria-describedby={d}>
                <option value="">{t('feedback.form.chooseVisit')}</option>
                {(visitList ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {formatDate(a.sessionDate, lang)} · {a.facility.name} · {a.fullName}
                    {a.product ? ` · ${a.product.name}` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {subject === 'DOSE' && (
          <Field
            name="subjectId"
            id="subjectId"
            label={t('feedback.form.dose')}
            hint={doseList?.length === 0 ? t('feedback.form.noDoses') : undefined}
            mistakes={mistakes}
          >
            {(d) => (
              <select id="subjectId" value={form.pick} onChange={set('pick')} aria-describedby={d}>
                <option value="">{t('feedback.form.chooseDose')}</option>
                {(doseList ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {formatDate(jakartaDay(r.administeredAt), lang)} · {r.antigen} {r.doseNumber}
                    {r.facility ? ` · ${r.facility.name}` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Choice
          name="category"
          legend={t('feedback.form.category')}
          mistakes={mistakes}
          options={fitting.map((c) => ({ value: c.code, label: en ? c.nameEn : c.name }))}
          value={form.category}
          onChange={(v) => {
            setForm((f) => ({ ...f, category: v }));
            setKey(newIdempotencyKey());
          }}
        />
        <Field
          name="description"
          id="description"
          label={t('feedback.form.description')}
          hint={t('feedback.form.descriptionHint')}
          mistakes={mistakes}
        >
          {(d) => (
            <textarea
              id="description"
              rows={6}
              maxLength={2000}
              value={form.description}
              onInput={set('description')}
              aria-describedby={d}
            />
          )}
        </Field>
        <Field
          name="attachments.0.url"
          id="attachment"
          label={t('feedback.form.attachment')}
          hint={t('feedback.form.attachmentHint')}
          mistakes={mistakes}
        >
          {(d) => (
            <input id="attachment" type="url" inputMode="url" value={form.attachment} onInput={set('attachment')} aria-describedby={d} />
          )}
        </Field>
        <button type="submit" class="button" disabled={sending.fetching}>
          {sending.fetching ? t('feedback.form.sending') : t('feedback.form.submit')}
        </button>
      </form>
    </>
  );
}
