import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { i18n } from './i18n.js';
import { onOverload } from './client.js';
import type { FieldMistake, Mistakes } from './errors.js';

export const t = (key: string, options: Record<string, unknown> = {}): string => i18n.t(key, options);

/** Re-renders the caller when the language changes. */
export function useLanguage(): string {
  const [lang, setLang] = useState(i18n.language);
  useEffect(() => {
    const on = (l: string): void => setLang(l);
    i18n.on('languageChanged', on);
    return () => i18n.off('languageChanged', on);
  }, []);
  return lang;
}

let navigateListener: (() => void) | undefined;
export const setNavigateListener = (l: () => void): void => {
  navigateListener = l;
};
export function navigate(path: string): void {
  history.pushState(null, '', path);
  window.scrollTo(0, 0);
  navigateListener?.();
}

export function Link(props: { href: string; children: ComponentChildren; class?: string }): preact.JSX.Element {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** GOV.UK error summary: every mistake, linked to its field, focused when it appears. */
export function ErrorSummary(props: { mistakes: Mistakes }): preact.JSX.Element | null {
  const { fields, general } = props.mistakes;
  const ref = useRef<HTMLDivElement>(null);
  // Focused when a new set of mistakes arrives, not on every render (an inline ref callback runs on each
  // one, and would pull the focus out of the field being corrected at every keystroke).
  useEffect(() => ref.current?.focus(), [props.mistakes]);
  if (!fields.length && !general.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t('book.summary')}</h2>
      <ul>
        {general.map((m) => (
          <li key={m}>{m}</li>
        ))}
        {fields.map((f) => (
          <li key={f.field}>
            <a href={`#field-${f.field}`}>{f.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const mistakeFor = (mistakes: Mistakes, field: string): FieldMistake | undefined => mistakes.fields.find((f) => f.field === field);

/**
 * A labelled form field with its hint and its own mistake beside it, tied to the control by
 * aria-describedby (the children get the ids to put there, or undefined). `name` is the API's field name
 * (the error summary links to #field-<name>); it defaults to the control's `id`.
 */
export function Field(props: {
  id: string;
  name?: string;
  label: string;
  hint?: string;
  mistakes: Mistakes;
  children: (describedBy: string | undefined) => preact.JSX.Element;
}): preact.JSX.Element {
  const name = props.name ?? props.id;
  const m = mistakeFor(props.mistakes, name);
  const describedBy = [props.hint ? `${props.id}-hint` : '', m ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${m ? ' field-error' : ''}`} id={`field-${name}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {m && (
        <p class="error-message" id={`${props.id}-error`}>
          {m.message}
        </p>
      )}
      {props.children(describedBy)}
    </div>
  );
}

/** The countdown while the edge refuses for overload; the app retries by itself meanwhile. */
export function SurgeBanner(): preact.JSX.Element | null {
  const [retryAt, setRetryAt] = useState<number | undefined>(undefined);
  const [now, setNow] = useState(Date.now());
  useLanguage();
  useEffect(() => onOverload((n) => setRetryAt(n.retryAt)), []);
  useEffect(() => {
    if (retryAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [retryAt]);
  if (retryAt === undefined) return null;
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return (
    <div class="surge" role="status" aria-live="polite" data-testid="surge">
      {seconds > 0 ? t('surge.waiting', { seconds }) : t('surge.retrying')}
    </div>
  );
}

/** The three-field birth date (GOV.UK pattern): day, month, year; the first input carries the field's id. */
export function BirthDateInputs(props: {
  day: string;
  month: string;
  year: string;
  onInput: (part: 'day' | 'month' | 'year') => (e: Event) => void;
}) {
  return (
    <div class="date-input">
      <label>
        {t('book.day')}
        <input id="birthDate" class="w2" inputMode="numeric" maxLength={2} value={props.day} onInput={props.onInput('day')} />
      </label>
      <label>
        {t('book.month')}
        <input class="w2" inputMode="numeric" maxLength={2} value={props.month} onInput={props.onInput('month')} />
      </label>
      <label>
        {t('book.year')}
        <input class="w4" inputMode="numeric" maxLength={4} value={props.year} onInput={props.onInput('year')} />
      </label>
    </div>
  );
}
