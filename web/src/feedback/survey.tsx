import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatDate } from '../dates.js';
import type { Mistakes } from '../errors.js';
import { ErrorSummary, Link, t, useLanguage } from '../ui.js';
import { Choice, Field, mistakesOf, NO_MISTAKES, SignedIn } from './common.js';
import type { AnswerSurveyInput } from './gql/graphql.js';
import { AnswerSurvey, MySurveys } from './operations.js';

type Key = Exclude<keyof AnswerSurveyInput, 'token' | 'suggestion'>;

/** /survey: the signed-in citizen's completed visits and their satisfaction surveys. */
export function SurveysPage(): preact.JSX.Element {
  return (
    <SignedIn title={t('feedback.survey.title')}>
      <SurveyList />
    </SignedIn>
  );
}

function SurveyList(): preact.JSX.Element {
  const lang = useLanguage();
  const [r] = useQuery({ query: MySurveys, requestPolicy: 'cache-and-network' });
  const visits = (r.data?.myAppointments ?? []).filter((a) => a.survey); // the account's visits
  return (
    <>
      <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
      <p>{t('feedback.survey.intro')}</p>
      <h2>{t('feedback.survey.pending')}</h2>
      {r.error && !r.data && <p role="alert">{t('common.network')}</p>}
      {r.data && visits.length === 0 && <p>{t('feedback.survey.none')}</p>}
      <ul class="cards">
        {visits.map((a) => (
          <li key={a.id} class="card" data-testid="survey-visit">
            <p>
              {t('feedback.survey.visit', { date: formatDate(a.sessionDate, lang), place: a.facility.name })} · {a.fullName}
            </p>
            {a.survey!.answered ? (
              <p>{t('feedback.survey.answered')}</p>
            ) : (
              a.survey!.token && <Link href={`/survey/${a.id}`}>{t('feedback.survey.answer')}</Link>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/** /survey/<appointmentId>: the nine SKM elements (PermenPANRB 14/2017), 1 to 4 each, once per visit. */
export function SurveyPage(props: { appointmentId: string }): preact.JSX.Element {
  return (
    <SignedIn title={t('feedback.survey.title')}>
      <SurveyForm appointmentId={props.appointmentId} />
    </SignedIn>
  );
}

function SurveyForm(props: { appointmentId: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [r] = useQuery({ query: MySurveys });
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [suggestion, setSuggestion] = useState('');
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);
  const [done, setDone] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const [sending, answer] = useMutation(AnswerSurvey);
  const visit = (r.data?.myAppointments ?? []).find((a) => a.id === props.appointmentId);
  const token = visit?.survey?.token;
  const elements = r.data?.surveyElements ?? [];

  if (done)
    return (
      <>
        <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
        <p class="notice" role="status" data-testid="survey-thanks">
          {t('feedback.survey.thanks')}
        </p>
        <p>
          <Link href="/survey">{t('feedback.survey.back')}</Link>
        </p>
      </>
    );
  if (!r.data) return <p role="status">{r.error ? t('common.network') : t('common.loading')}</p>;
  if (!visit || !token)
    return (
      <>
        <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
        <p>{t('feedback.survey.notFound')}</p>
        <p>
          <Link href="/survey">{t('feedback.survey.back')}</Link>
        </p>
      </>
    );

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    // An unanswered element goes as 0: the API names every one that is missing, at once.
    const scores = Object.fromEntries(elements.map((el) => [el.key, Number(answers[el.key] ?? 0)])) as Record<Key, number>;
    const res = await answer({ input: { token, ...scores, suggestion: suggestion.trim() || null } }, idempotent(key));
    if (res.data) {
      setDone(true);
      return;
    }
    setMistakes(mistakesOf(res.error, lang));
  };
  const scale = ['1', '2', '3', '4'].map((v) => ({ value: v, label: `${v} ${t(`feedback.survey.scale.${v}`)}` }));
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
      <p>{t('feedback.survey.visit', { date: formatDate(visit.sessionDate, lang), place: visit.facility.name })}</p>
      <p>{t('feedback.survey.intro')}</p>
      <form onSubmit={(e) => void send(e)} noValidate>
        {elements.map((el) => (
          <Choice
            key={el.key}
            name={`answers.${el.key}`}
            legend={`${el.code}. ${lang === 'en' ? el.nameEn : el.name}`}
            mistakes={mistakes}
            inline
            options={scale}
            value={answers[el.key] ?? ''}
            onChange={(v) => {
              setAnswers((a) => ({ ...a, [el.key]: v }));
              setKey(newIdempotencyKey());
            }}
          />
        ))}
        <Field
          name="suggestion"
          id="suggestion"
          label={t('feedback.survey.suggestion')}
          hint={t('feedback.survey.suggestionHint')}
          mistakes={mistakes}
        >
          {(d) => (
            <textarea
              id="suggestion"
              rows={4}
              maxLength={1000}
              value={suggestion}
              aria-describedby={d}
              onInput={(e) => {
                setSuggestion(e.currentTarget.value);
                setKey(newIdempotencyKey());
              }}
            />
          )}
        </Field>
        <button type="submit" class="button" disabled={sending.fetching}>
          {t('feedback.survey.submit')}
        </button>
      </form>
    </>
  );
}
