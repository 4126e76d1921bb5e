import type { Sex } from '../gql/graphql.js';
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { KecamatanList, KelurahanList, MyChildren, RegisterChild } from '../operations.js';
import { composeDate, readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatShortDate } from '../dates.js';
import { BirthDateInputs, ErrorSummary, Link, mistakeFor, t, useLanguage } from '../ui.js';
import { ChildSchedulePanel } from './child-visit.js';
import { useSession } from '../session.js';

const EMPTY = { fullName: '', day: '', month: '', year: '', sex: '', motherNik: '', kecamatan: '', kelurahan: '', relationship: 'MOTHER' };
const FORM_ORDER = ['fullName', 'birthDate', 'sex', 'motherNik', 'residenceKelurahanCode', 'relationship'];

/** Parents: register a child under the mother's NIK, see each child's schedule and book one visit for the due vaccines. */
export function ChildrenPage(): preact.JSX.Element {
  const lang = useLanguage();
  const signedIn = !!useSession();
  const [children, refetchChildren] = useQuery({ query: MyChildren, pause: !signedIn });
  const [registering, register] = useMutation(RegisterChild);
  const [form, setForm] = useState(EMPTY);
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  const [notice, setNotice] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [kecs] = useQuery({ query: KecamatanList, pause: !signedIn });
  const [kels] = useQuery({ query: KelurahanList, variables: { parentCode: form.kecamatan }, pause: !form.kecamatan });
  if (!signedIn)
    return (
      <>
        <h1 tabIndex={-1}>{t('parents.title')}</h1>
        <p>{t('parents.needSignIn')}</p>
        <Link href="/sign-in" class="button">
          {t('nav.signIn')}
        </Link>
      </>
    );
  const set = (name: keyof typeof form) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [name]: value, ...(name === 'kecamatan' ? { kelurahan: '' } : {}) }));
    setKey(newIdempotencyKey());
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setNotice('');
    const r = await register(
      {
        input: {
          fullName: form.fullName,
          // Empty fields go as null: the service names them with every other mistake at once.
          birthDate: form.day || form.month || form.year ? composeDate(form.day, form.month, form.year) : null,
          sex: (form.sex || null) as Sex | null,
          motherNik: form.motherNik.trim() || null,
          residenceKelurahanCode: form.kelurahan,
          relationship: form.relationship,
        },
      },
      idempotent(key),
    );
    const found = readMistakes(r.error, lang, t('common.network'));
    found.fields.sort((a, b) => FORM_ORDER.indexOf(a.field) - FORM_ORDER.indexOf(b.field));
    setMistakes(found);
    if (r.data) {
      setNotice(t('citizen.childRegistered', { name: r.data.registerChild.fullName }));
      setForm(EMPTY);
      setKey(newIdempotencyKey());
      refetchChildren({ requestPolicy: 'network-only' });
    }
  };
  const m = (field: string) => mistakeFor(mistakes, field);
  const fieldClass = (field: string): string => `field${m(field) ? ' field-error' : ''}`;
  const error = (field: string) =>
    m(field) && (
      <p class="error-message" id={`${field}-error`}>
        {m(field)!.message}
      </p>
    );
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1 tabIndex={-1}>{t('parents.title')}</h1>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {children.data?.myDependants.length === 0 && <p>{t('parents.noChildren')}</p>}
      {children.data?.myDependants.map((c) => (
        <section key={c.id} class="card" data-testid="child" aria-labelledby={`child-${c.id}`}>
          <h2 id={`child-${c.id}`}>{c.fullName}</h2>
          <p>
            {t('citizen.born', { date: formatShortDate(c.birthDate, lang) })}
            {c.motherNikMasked && (
              <>
                {' · '}
                {t('citizen.motherNik', { nik: c.motherNikMasked })}
                {c.motherLink === 'PENDING' && ` (${t('citizen.motherPending')})`}
              </>
            )}
          </p>
          <ChildSchedulePanel personId={c.id} name={c.fullName} kelurahanCode={c.residenceKelurahanCode} />
        </section>
      ))}
      <h2>{t('parents.register')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="register-child">
        <div class={fieldClass('fullName')} id="field-fullName">
          <label for="c-name">{t('book.fullName')}</label>
          {error('fullName')}
          <input
            id="c-name"
            value={form.fullName}
            onInput={set('fullName')}
            aria-describedby={m('fullName') ? 'fullName-error' : undefined}
          />
        </div>
        <div class={fieldClass('birthDate')} id="field-birthDate">
          <fieldset aria-describedby={m('birthDate') ? 'birthDate-error' : undefined}>
            <legend>{t('book.birthDate')}</legend>
            {error('birthDate')}
            <BirthDateInputs day={form.day} month={form.month} year={form.year} onInput={set} />
          </fieldset>
        </div>
        <div class={fieldClass('sex')} id="field-sex">
          <fieldset>
            <legend>{t('book.sex')}</legend>
            {error('sex')}
            <label class="radio">
              <input type="radio" name="c-sex" value="FEMALE" checked={form.sex === 'FEMALE'} onChange={set('sex')} /> {t('book.female')}
            </label>
            <label class="radio">
              <input type="radio" name="c-sex" value="MALE" checked={form.sex === 'MALE'} onChange={set('sex')} /> {t('book.male')}
            </label>
          </fieldset>
        </div>
        <div class={fieldClass('motherNik')} id="field-motherNik">
          <label for="c-mother">{t('parents.motherNik')}</label>
          <p class="hint" id="c-mother-hint">
            {t('citizen.motherNikHint')}
          </p>
          {error('motherNik')}
          <input
            id="c-mother"
            inputMode="numeric"
            autoComplete="off"
            value={form.motherNik}
            onInput={set('motherNik')}
            aria-describedby={`c-mother-hint${m('motherNik') ? ' motherNik-error' : ''}`}
          />
        </div>
        <div class={fieldClass('relationship')} id="field-relationship">
          <fieldset>
            <legend>{t('citizen.relationship')}</legend>
            {error('relationship')}
            {['MOTHER', 'FATHER', 'GUARDIAN'].map((r) => (
              <label class="radio" key={r}>
                <input type="radio" name="c-relationship" value={r} checked={form.relationship === r} onChange={set('relationship')} />{' '}
                {t(`citizen.relation.${r}`)}
              </label>
            ))}
          </fieldset>
        </div>
        <div class="field">
          <label for="c-kec">{t('find.kecamatan')}</label>
          <select id="c-kec" value={form.kecamatan} onChange={set('kecamatan')}>
            <option value="">{t('book.chooseKecamatan')}</option>
            {kecs.data?.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class={fieldClass('residenceKelurahanCode')} id="field-residenceKelurahanCode">
          <label for="c-kel">{t('citizen.childKelurahan')}</label>
          {error('residenceKelurahanCode')}
          <select id="c-kel" value={form.kelurahan} onChange={set('kelurahan')}>
            <option value="">{t('book.choose')}</option>
            {kels.data?.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <button class="button" type="submit" disabled={registering.fetching}>
          {registering.fetching ? t('book.sending') : t('parents.save')}
        </button>
      </form>
    </>
  );
}
