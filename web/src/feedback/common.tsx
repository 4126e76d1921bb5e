import type { ComponentChildren } from 'preact';
import type { CombinedError } from '@urql/core';
import { readMistakes, type Mistakes } from '../errors.js';
import { Link, mistakeFor, t } from '../ui.js';

export const NO_MISTAKES: Mistakes = { fields: [], general: [] };
export const mistakesOf = (error: CombinedError | undefined, lang: string): Mistakes => readMistakes(error, lang, t('common.network'));

import { useSession } from '../session.js';
export { useSession };

/** Pages for a signed-in citizen: signed out, they say why and where to sign in. */
export function SignedIn(props: { title: string; children: ComponentChildren }): preact.JSX.Element {
  const session = useSession();
  if (session) return <>{props.children}</>;
  return (
    <>
      <h1 tabIndex={-1}>{props.title}</h1>
      <p>{t('feedback.signInFirst')}</p>
      <p>
        <Link href="/sign-in">{t('feedback.signIn')}</Link>
      </p>
    </>
  );
}

/** A group of radio buttons (a fieldset with its legend), its mistake beside it. */
export function Choice(props: {
  name: string;
  legend: string;
  hint?: string;
  mistakes: Mistakes;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
  inline?: boolean;
}): preact.JSX.Element {
  const m = mistakeFor(props.mistakes, props.name);
  const key = props.name.replace(/\W/g, '-');
  const describedBy = [props.hint ? `${key}-hint` : '', m ? `${key}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${m ? ' field-error' : ''}`} id={`field-${props.name}`}>
      <fieldset aria-describedby={describedBy}>
        <legend>{props.legend}</legend>
        {props.hint && (
          <p class="hint" id={`${key}-hint`}>
            {props.hint}
          </p>
        )}
        {m && (
          <p class="error-message" id={`${key}-error`}>
            {m.message}
          </p>
        )}
        <div class={props.inline ? 'fb-scale' : undefined}>
          {props.options.map((o) => (
            <label class="radio" key={o.value}>
              <input
                type="radio"
                name={key}
                value={o.value}
                checked={props.value === o.value}
                onChange={(e) => props.onChange(e.currentTarget.value)}
              />{' '}
              {o.label}
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** An ISO instant as the day it is in Semarang, YYYY-MM-DD (for formatDate). */
export const jakartaDay = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
};
