import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import { idempotent, newIdempotencyKey } from '../client.js';
import { formatInstant } from '../dates.js';
import type { Mistakes } from '../errors.js';
import { ErrorSummary, Field, Link, t, useLanguage } from '../ui.js';
import { mistakesOf, NO_MISTAKES, useSession } from './common.js';
import type { ComplaintQueueQuery } from './gql/graphql.js';
import { deadlineDay } from './rules.js';
import { AssignComplaint, ComplaintQueue, RejectComplaint, ReplyToComplaint, ResolveComplaint, StartComplaint } from './operations.js';

type Queued = ComplaintQueueQuery['complaintQueue']['edges'][number]['node'];
type Step = 'assign' | 'start' | 'reply' | 'resolve' | 'reject';
const OPEN = ['SUBMITTED', 'ASSIGNED', 'IN_PROGRESS'] as const;

/** /complaints/queue: the facility's open complaints to answer (health workers: theirs; the city office: all). */
export function QueuePage(): preact.JSX.Element {
  const session = useSession();
  const role = session?.account.role;
  if (role !== 'HEALTH_WORKER' && role !== 'ADMIN')
    return (
      <>
        <h1 tabIndex={-1}>{t('feedback.queue.title')}</h1>
        <p role="alert">{t('feedback.queue.forbidden')}</p>
        {!session && (
          <p>
            <Link href="/staff">{t('nav.signIn')}</Link>
          </p>
        )}
      </>
    );
  return <Queue />;
}

function Queue(): preact.JSX.Element {
  const lang = useLanguage();
  const [r, again] = useQuery({ query: ComplaintQueue, variables: { statuses: [...OPEN] }, requestPolicy: 'cache-and-network' });
  const list = r.data?.complaintQueue.edges.map((e) => e.node) ?? [];
  return (
    <>
      <h1 tabIndex={-1}>{t('feedback.queue.title')}</h1>
      <p>{t('feedback.queue.intro')}</p>
      {r.error && !r.data && <p role="alert">{mistakesOf(r.error, lang).general[0] ?? t('common.network')}</p>}
      {r.data && list.length === 0 && <p>{t('feedback.queue.none')}</p>}
      <ul class="cards">
        {list.map((c) => (
          <QueueCard key={c.id} c={c} onChanged={() => again({ requestPolicy: 'network-only' })} />
        ))}
      </ul>
    </>
  );
}

function QueueCard(props: { c: Queued; onChanged: () => void }): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const { c } = props;
  const [note, setNote] = useState('');
  const [mistakes, setMistakes] = useState<Mistakes>(NO_MISTAKES);
  const [notice, setNotice] = useState('');
  const noteField = `note-${c.id}`;
  const run = async (step: Step): Promise<void> => {
    const ctx = idempotent(newIdempotencyKey());
    const r =
      step === 'assign'
        ? await client.mutation(AssignComplaint, { id: c.id, input: note.trim() ? { note } : null }, ctx).toPromise()
        : step === 'start'
          ? await client.mutation(StartComplaint, { id: c.id }, ctx).toPromise()
          : step === 'reply'
            ? await client.mutation(ReplyToComplaint, { id: c.id, message: note }, ctx).toPromise()
            : step === 'resolve'
              ? await client.mutation(ResolveComplaint, { id: c.id, resolution: note }, ctx).toPromise()
              : await client.mutation(RejectComplaint, { id: c.id, reason: note }, ctx).toPromise();
    const found = mistakesOf(r.error, lang);
    // The API names the text `note`, `message`, `resolution` or `reason`: on this card it is the one field.
    found.fields = found.fields.map((f) => (f.field === 'id' ? f : { ...f, field: noteField }));
    setMistakes(found);
    if (r.data) {
      const status = (Object.values(r.data)[0] as { status: string }).status;
      setNote('');
      setNotice(t('feedback.queue.done', { status: t(`feedback.complaints.status.${status}`) }));
      props.onChanged();
    }
  };
  return (
    <li class="card" data-testid="queued-complaint">
      <h2>
        {c.reference} · {lang === 'en' ? c.category.nameEn : c.category.name}
      </h2>
      <dl class="fb-facts">
        <dt>{t('feedback.complaints.about')}</dt>
        <dd>
          {t(`feedback.complaints.subject.${c.subjectType}`)}
          {c.facility ? ` · ${c.facility.name}` : ''}
        </dd>
        <dt>{t('feedback.complaints.submittedAt')}</dt>
        <dd>
          {formatInstant(c.submittedAt, lang)} · {t('feedback.queue.channel')}: {t(`feedback.channel.${c.channel}`)}
        </dd>
        <dt>{c.firstResponseAt ? t('feedback.complaints.answeredAt') : t('feedback.complaints.responseDue')}</dt>
        <dd>{c.firstResponseAt ? formatInstant(c.firstResponseAt, lang) : deadlineDay(c.responseDueAt, lang)}</dd>
        <dt>{t('feedback.complaints.resolutionDue')}</dt>
        <dd>{deadlineDay(c.resolutionDueAt, lang)}</dd>
      </dl>
      <p>
        <strong>{t(`feedback.complaints.status.${c.status}`)}</strong>
        {c.escalations.length > 0 && <span class="fb-late"> · {t('feedback.complaints.late')}</span>}
      </p>
      <p class="fb-text">{c.description}</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {(mistakes.general.length > 0 || mistakes.fields.length > 0) && <ErrorSummary mistakes={mistakes} />}
      <Field name={noteField} id={noteField} label={t('feedback.queue.note')} hint={t('feedback.queue.noteHint')} mistakes={mistakes}>
        {(d) => <textarea id={noteField} rows={3} value={note} aria-describedby={d} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <div class="actions">
        {c.status === 'SUBMITTED' && (
          <button type="button" class="button secondary" onClick={() => void run('assign')}>
            {t('feedback.queue.assign')}
          </button>
        )}
        {c.status === 'ASSIGNED' && (
          <button type="button" class="button secondary" onClick={() => void run('start')}>
            {t('feedback.queue.start')}
          </button>
        )}
        <button type="button" class="button secondary" onClick={() => void run('reply')}>
          {t('feedback.queue.reply')}
        </button>
        {c.status !== 'SUBMITTED' && (
          <button type="button" class="button" onClick={() => void run('resolve')}>
            {t('feedback.queue.resolve')}
          </button>
        )}
        <button type="button" class="button warning" onClick={() => void run('reject')}>
          {t('feedback.queue.reject')}
        </button>
      </div>
    </li>
  );
}
