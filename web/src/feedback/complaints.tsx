import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatInstant } from '../dates.js';
import type { Mistakes } from '../errors.js';
import { ErrorSummary, Field, Link, t, useLanguage } from '../ui.js';
import { Choice, mistakesOf, NO_MISTAKES, SignedIn, useSession } from './common.js';
import type { MyComplaintsQuery } from './gql/graphql.js';
import { MyComplaints, RateComplaint, ReopenComplaint } from './operations.js';
import { deadlineDay } from './rules.js';

type Complaint = MyComplaintsQuery['myComplaints']['edges'][number]['node'];

/** What the citizen last filed, shown once on the list it lands on. */
let justFiled: { reference: string; responseDueAt: string } | undefined;
export const rememberFiled = (filed: { reference: string; responseDueAt: string }): void => {
  justFiled = filed;
};

function Card(props: { c: Complaint; onChanged: () => void }): preact.JSX.Element {
  const lang = useLanguage();
  const { c } = props;
  const [rating, setRating] = useState('');
  const [reason, setReason] = useState('');
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);
  const [notice, setNotice] = useState('');
  const [, rate] = useMutation(RateComplaint);
  const [, reopen] = useMutation(ReopenComplaint);
  const open = !['RESOLVED', 'CLOSED', 'REJECTED'].includes(c.status);
  // The API says until when (resolved or rejected, plus 10 days); after it the reopen form is gone.
  const reopenable = Boolean(c.reopenableUntil) && Date.now() <= Date.parse(c.reopenableUntil!);
  const ratingField = `rating-${c.id}`;
  const reasonField = `reason-${c.id}`;
  // The API names the field `rating` / `reason`; on a list of cards each card's own field gets it.
  const own = (m: Mistakes): Mistakes => ({
    general: m.general,
    fields: m.fields.map((f) => ({ ...f, field: f.field === 'rating' ? ratingField : f.field === 'reason' ? reasonField : f.field })),
  });
  const doRate = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await rate({ id: c.id, rating: rating ? Number(rating) : 0 }, idempotent(newIdempotencyKey()));
    setMistakes(own(mistakesOf(r.error, lang)));
    if (r.data) {
      setNotice(t('feedback.complaints.rated'));
      props.onChanged();
    }
  };
  const doReopen = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = await reopen({ id: c.id, reason }, idempotent(newIdempotencyKey()));
    setMistakes(own(mistakesOf(r.error, lang)));
    if (r.data) {
      setReason('');
      setNotice(t('feedback.complaints.reopened'));
      props.onChanged();
    }
  };
  return (
    <li class="card" data-testid="complaint">
      <h2>
        {lang === 'en' ? c.category.nameEn : c.category.name} ·{' '}
        <span data-testid="complaint-status">{t(`feedback.complaints.status.${c.status}`)}</span>
      </h2>
      <dl class="fb-facts">
        <dt>{t('feedback.complaints.reference')}</dt>
        <dd data-testid="complaint-reference">{c.reference}</dd>
        <dt>{t('feedback.complaints.about')}</dt>
        <dd>
          {t(`feedback.complaints.subject.${c.subjectType}`)}
          {c.facility ? ` · ${c.facility.name}` : ''}
        </dd>
        <dt>{t('feedback.complaints.submittedAt')}</dt>
        <dd>{formatInstant(c.submittedAt, lang)}</dd>
        {c.firstResponseAt ? (
          <>
            <dt>{t('feedback.complaints.answeredAt')}</dt>
            <dd>{formatInstant(c.firstResponseAt, lang)}</dd>
          </>
        ) : (
          open && (
            <>
              <dt>{t('feedback.complaints.responseDue')}</dt>
              <dd data-testid="response-due">{deadlineDay(c.responseDueAt, lang)}</dd>
            </>
          )
        )}
        {open && (
          <>
            <dt>{t('feedback.complaints.resolutionDue')}</dt>
            <dd data-testid="resolution-due">{deadlineDay(c.resolutionDueAt, lang)}</dd>
          </>
        )}
        {reopenable && c.reopenableUntil && (
          <>
            <dt>{t('feedback.complaints.reopenableUntil')}</dt>
            <dd data-testid="reopenable-until">{formatInstant(c.reopenableUntil, lang)}</dd>
          </>
        )}
      </dl>
      {c.escalations.length > 0 && <p class="fb-late">{t('feedback.complaints.late')}</p>}
      <p class="fb-text">{c.description}</p>
      {c.resolution && (
        <p>
          <strong>{t('feedback.complaints.resolution')}:</strong> {c.resolution}
        </p>
      )}
      {c.rejectionReason && (
        <p>
          <strong>{t('feedback.complaints.rejection')}:</strong> {c.rejectionReason}
        </p>
      )}
      {c.rating !== null && <p>{t('feedback.complaints.rating', { rating: c.rating })}</p>}
      {c.history.length > 1 && (
        <details>
          <summary>{t('feedback.complaints.history')}</summary>
          <ol class="fb-history">
            {c.history.map((h, i) => (
              <li key={i}>
                {formatInstant(h.at, lang)} · {t(`feedback.complaints.action.${h.action}`, { defaultValue: h.action })}
                {h.note ? `: ${h.note}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {(mistakes.general.length > 0 || mistakes.fields.length > 0) && <ErrorSummary mistakes={mistakes} />}
      {c.status === 'RESOLVED' && (
        <form onSubmit={(e) => void doRate(e)} noValidate>
          <Choice
            name={ratingField}
            legend={t('feedback.complaints.rate')}
            hint={t('feedback.complaints.rateHint')}
            mistakes={mistakes}
            inline
            options={['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }))}
            value={rating}
            onChange={setRating}
          />
          <button type="submit" class="button">
            {t('feedback.complaints.rateButton')}
          </button>
        </form>
      )}
      {reopenable && (
        <details class="fb-reopen">
          <summary>{t('feedback.complaints.reopen')}</summary>
          <form onSubmit={(e) => void doReopen(e)} noValidate>
            <Field
              name={reasonField}
              id={`reopen-${c.id}`}
              label={t('feedback.complaints.reopenReason')}
              hint={t('feedback.complaints.reopenHint')}
              mistakes={mistakes}
            >
              {(d) => (
                <textarea
                  id={`reopen-${c.id}`}
                  rows={3}
                  value={reason}
                  aria-describedby={d}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
              )}
            </Field>
            <button type="submit" class="button secondary">
              {t('feedback.complaints.reopenButton')}
            </button>
          </form>
        </details>
      )}
    </li>
  );
}

/** /complaints: the signed-in citizen's complaints, their states and deadlines; rate or reopen a decided one. */
export function ComplaintsPage(): preact.JSX.Element {
  const session = useSession();
  const staff = session && session.account.role !== 'CITIZEN';
  return (
    <SignedIn title={t('feedback.complaints.title')}>
      {staff ? (
        <>
          <h1 tabIndex={-1}>{t('feedback.complaints.title')}</h1>
          <p>
            <Link href="/complaints/queue">{t('feedback.staffQueue')}</Link>
          </p>
        </>
      ) : (
        <MyList />
      )}
    </SignedIn>
  );
}

function MyList(): preact.JSX.Element {
  const lang = useLanguage();
  const [r, again] = useQuery({ query: MyComplaints, requestPolicy: 'cache-and-network' });
  const [filed] = useState(() => {
    const f = justFiled;
    justFiled = undefined;
    return f;
  });
  const list = r.data?.myComplaints.edges.map((e) => e.node) ?? [];
  return (
    <>
      <h1 tabIndex={-1}>{t('feedback.complaints.title')}</h1>
      {filed && (
        <p class="notice" role="status" data-testid="filed">
          {t('feedback.complaints.filed', { reference: filed.reference, due: deadlineDay(filed.responseDueAt, lang) })}
        </p>
      )}
      <p>{t('feedback.complaints.intro')}</p>
      <p>
        <Link href="/complaints/new" class="button">
          {t('feedback.complaints.new')}
        </Link>
      </p>
      {r.error && !r.data && <p role="alert">{mistakesOf(r.error, lang).general[0] ?? t('common.network')}</p>}
      {r.data && list.length === 0 && <p>{t('feedback.complaints.none')}</p>}
      <ul class="cards">
        {list.map((c) => (
          <Card key={c.id} c={c} onChanged={() => again({ requestPolicy: 'network-only' })} />
        ))}
      </ul>
    </>
  );
}
