import { useEffect, useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { auth } from '../auth.js';
import { ChildSchedule, MyChildren, RegisterChild } from '../operations.js';
import { composeDate, readMistakes, type Mistakes } from '../errors.js';
import { idempotent, newIdempotencyKey } from '../client.js';
import { todayInJakarta } from '../centres.js';
import { ErrorSummary, Link, t, useLanguage } from '../ui.js';

const inDays = (days: number): string => todayInJakarta(new Date(Date.now() + days * 86_400_000));

function Schedule(props: { personId: string }): preact.JSX.Element {
  const [r] = useQuery({ query: ChildSchedule, variables: { personId: props.personId, from: todayInJakarta(), to: inDays(28) } });
  if (!r.data) return <p>{t('common.loading')}</p>;
  return (
    <>
      <h3>{t('parents.schedule')}</h3>
      <table>
        <tbody>
          {r.data.forecast.doses.map((d) => (
            <tr key={`${d.antigen}-${d.doseNumber}`}>
              <th scope="row">
                {d.antigen} {d.doseNumber}
              </th>
              <td>{t(`parents.status.${d.status}`)}</td>
              <td>{d.givenOn ?? d.recommendedDate ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('parents.sessions')}</h3>
      <ul>
        {r.data.dueAndAvailableSessions.map((s) => (
          <li key={s.sessionId}>
            <Link href={`/session/${s.sessionId}`}>
              {s.date} {s.startTime} · {s.facilityName} · {s.doses.map((d) => `${d.antigen} ${d.doseNumber}`).join(', ')}
            </Link>
          </li>
        ))}
      </ul>
      <p class="hint">{t('parents.bookGap')}</p>
    </>
  );
}

/** Parents: what the API allows today (registerChild, forecast, dueAndAvailableSessions); needs sign-in. */
export function ChildrenPage(): preact.JSX.Element {
  const lang = useLanguage();
  const [signedIn, setSignedIn] = useState(!!auth.current);
  useEffect(() => auth.subscribe((s) => setSignedIn(!!s)), []);
  const [children] = useQuery({ query: MyChildren, pause: !signedIn });
  const [, register] = useMutation(RegisterChild);
  const [form, setForm] = useState({ fullName: '', day: '', month: '', year: '', sex: '', motherNik: '', kelurahan: '' });
  const [mistakes, setMistakes] = useState<Mistakes>({ fields: [], general: [] });
  if (!signedIn)
    return (
      <>
        <h1>{t('parents.title')}</h1>
        <p>{t('parents.needSignIn')}</p>
        <Link href="/sign-in" class="button">
          {t('nav.signIn')}
        </Link>
      </>
    );
  const set = (name: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [name]: (e.currentTarget as HTMLInputElement).value }));
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await register(
      {
        input: {
          fullName: form.fullName,
          birthDate: composeDate(form.day, form.month, form.year),
          sex: form.sex,
          motherNik: form.motherNik.trim() || null,
          residenceKelurahanCode: form.kelurahan,
        },
      },
      idempotent(newIdempotencyKey()),
    );
    setMistakes(readMistakes(r.error, lang, t('common.network')));
  };
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1>{t('parents.title')}</h1>
      {children.data?.myDependants.length === 0 && <p>{t('parents.noChildren')}</p>}
      {children.data?.myDependants.map((c) => (
        <section key={c.id} class="card">
          <h2>
            {c.fullName} · {c.birthDate}
          </h2>
          <Schedule personId={c.id} />
        </section>
      ))}
      <h2>{t('parents.register')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="c-name">{t('book.fullName')}</label>
          <input id="c-name" value={form.fullName} onInput={set('fullName')} />
        </div>
        <fieldset class="field">
          <legend>{t('book.birthDate')}</legend>
          <div class="date-input">
            <label>
              {t('book.day')}
              <input class="w2" inputMode="numeric" value={form.day} onInput={set('day')} />
            </label>
            <label>
              {t('book.month')}
              <input class="w2" inputMode="numeric" value={form.month} onInput={set('month')} />
            </label>
            <label>
              {t('book.year')}
              <input class="w4" inputMode="numeric" value={form.year} onInput={set('year')} />
            </label>
          </div>
        </fieldset>
        <fieldset class="field">
          <legend>{t('book.sex')}</legend>
          <label class="radio">
            <input type="radio" name="c-sex" value="FEMALE" checked={form.sex === 'FEMALE'} onChange={set('sex')} /> {t('book.female')}
          </label>
          <label class="radio">
            <input type="radio" name="c-sex" value="MALE" checked={form.sex === 'MALE'} onChange={set('sex')} /> {t('book.male')}
          </label>
        </fieldset>
        <div class="field">
          <label for="c-mother">{t('parents.motherNik')}</label>
          <input id="c-mother" inputMode="numeric" value={form.motherNik} onInput={set('motherNik')} />
        </div>
        <div class="field">
          <label for="c-kel">{t('book.kelurahan')}</label>
          <input id="c-kel" value={form.kelurahan} onInput={set('kelurahan')} />
        </div>
        <button class="button" type="submit">
          {t('parents.save')}
        </button>
      </form>
    </>
  );
}
