import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatDate } from '../dates.js';
import type { Mistakes } from '../errors.js';
import { ErrorSummary, Field, Link, t, useLanguage } from '../ui.js';
import { Choice, mistakesOf, NO_MISTAKES, SignedIn, useSession } from './common.js';
import type { AnswerSurveyInput } from './gql/graphql.js';
import { AnswerSurvey, MySurveys, SurveyLink } from './operations.js';

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
  const visits = (r.data?.myAppointments.edges.map((e) => e.node) ?? []).filter((a) => a.survey); // the account's visits
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
              a.survey!.token && <Link href={`/survey/${a.survey!.token}`}>{t('feedback.survey.answer')}</Link>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * /survey/<token>: the nine SKM elements (PermenPANRB 14/2017), 1 to 4 each, once per visit. The link's
 * single-use token is the only key: no account needed, and nothing on the page names the person.
 */
export function SurveyPage(props: { token: string }): preact.JSX.Element {
  const lang = useLanguage();
  const [r] = useQuery({ query: SurveyLink, variables: { token: props.token }, requestPolicy: 'network-only' });
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [suggestion, setSuggestion] = useState('');
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);
  const [done, setDone] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const [sending, answer] = useMutation(AnswerSurvey);
  const session = useSession();
  const back = session ? (
    <p>
      <Link href="/survey">{t('feedback.survey.back')}</Link>
    </p>
  ) : null;
  const link = r.data?.surveyLink;
  const elements = r.data?.surveyElements ?? [];

  if (done)
    return (
      <>
        <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
        <p class="notice" role="status" data-testid="survey-thanks">
          {t('feedback.survey.thanks')}
        </p>
        {back}
      </>
    );
  if (!link) {
    if (r.fetching || (!r.data && !r.error)) return <p role="status">{t('common.loading')}</p>;
    // A used, unknown or expired link: the API's own words (Indonesian or English), nothing to fill in.
    const refused = mistakesOf(r.error, lang);
    const words = refused.fields.map((f) => f.message).concat(refused.general);
    return (
      <>
        <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
        <p role="alert" data-testid="survey-refused">
          {words[0] ?? t('feedback.survey.notFound')}
        </p>
        {back}
      </>
    );
  }

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    // An unanswered element goes as 0: the API names every one that is missing, at once.
    const scores = Object.fromEntries(elements.map((el) => [el.key, Number(answers[el.key] ?? 0)])) as Record<Key, number>;
    const res = await answer({ input: { token: props.token, ...scores, suggestion: suggestion.trim() || null } }, idempotent(key));
    if (res.data) {
      setDone(true);
      return;
    }
    // A link used meanwhile (another tab, another phone): said on its own, not as a field of the form.
    const found = mistakesOf(res.error, lang);
    const token = found.fields.filter((f) => f.field === 'token').map((f) => f.message);
    setMistakes({ general: [...found.general, ...token], fields: found.fields.filter((f) => f.field !== 'token') });
  };
  const scale = ['1', '2', '3', '4'].map((v) => ({ value: v, label: `${v} ${t(`feedback.survey.scale.${v}`)}` }));
  return (
    <>
      <ErrorSummary mistakes={mistakes} />
      <h1 tabIndex={-1}>{t('feedback.survey.title')}</h1>
      <p data-testid="survey-visit-line">
        {t('feedback.survey.visit', { date: formatDate(link.visitDate, lang), place: link.facility.name })}
      </p>
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
