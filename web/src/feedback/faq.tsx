import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { Link, t, useLanguage } from '../ui.js';
import { FaqSearch } from './operations.js';

/** The FAQ (bilingual, versioned data of the feedback subgraph), searched by the API in both languages. */
export function FaqPage(): preact.JSX.Element {
  const lang = useLanguage();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [r] = useQuery({ query: FaqSearch, variables: { search: search || null } });
  const entries = r.data?.faq ?? [];
  const en = lang === 'en';
  return (
    <>
      <h1 tabIndex={-1}>{t('feedback.faq.title')}</h1>
      <p>{t('feedback.faq.intro')}</p>
      <form
        role="search"
        class="fb-search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(text.trim());
        }}
      >
        <label for="faq-search">{t('feedback.faq.search')}</label>
        <div class="fb-row">
          <input id="faq-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="button">
            {t('feedback.faq.searchButton')}
          </button>
        </div>
      </form>
      <p role="status" aria-live="polite" data-testid="faq-count">
        {r.fetching && !r.data
          ? t('common.loading')
          : r.error && !r.data
            ? t('common.network')
            : entries.length
              ? t('feedback.faq.results', { count: entries.length })
              : t('feedback.faq.none')}
      </p>
      {search && (
        <p>
          <button
            type="button"
            class="link"
            onClick={() => {
              setText('');
              setSearch('');
            }}
          >
            {t('feedback.faq.all')}
          </button>
        </p>
      )}
      <div class="fb-faq">
        {entries.map((e) => (
          <details key={e.id} data-testid="faq-entry">
            <summary>{en ? e.questionEn : e.questionId}</summary>
            <p>{en ? e.answerEn : e.answerId}</p>
          </details>
        ))}
      </div>
      <ul class="fb-links">
        <li>
          <Link href="/complaints/new">{t('feedback.faq.complain')}</Link>
        </li>
        <li>
          <Link href="/complaints">{t('feedback.faq.mine')}</Link>
        </li>
        <li>
          <Link href="/survey">{t('feedback.faq.surveys')}</Link>
        </li>
      </ul>
    </>
  );
}
