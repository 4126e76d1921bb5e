import type { ComponentChildren } from 'preact';
import type { CombinedError } from '@urql/core';
import { readMistakes, type Mistakes } from '../../errors.js';
import { mistakeFor, t } from '../../ui.js';

export const noMistakes: Mistakes = { fields: [], general: [] };

export const mistakesOf = (error: CombinedError | undefined, lang: string): Mistakes => readMistakes(error, lang, t('common.network'));

/** A labelled field with its own mistake beside it; `name` is the API's field name (the summary links here). */
export function Field(props: {
  name: string;
  id: string;
  label: string;
  mistakes: Mistakes;
  hint?: string;
  children: ComponentChildren;
}): preact.JSX.Element {
  const mistake = mistakeFor(props.mistakes, props.name);
  return (
    <div class={`field${mistake ? ' field-error' : ''}`} id={`field-${props.name}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && <p class="hint">{props.hint}</p>}
      {mistake && <p class="error-message">{mistake.message}</p>}
      {props.children}
    </div>
  );
}

/** A form's named string values as one state object. */
export const setter =
  <T extends Record<string, string | boolean>>(set: (f: (v: T) => T) => void) =>
  (name: keyof T) =>
  (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const value = el.type === 'checkbox' ? el.checked : el.value;
    set((v) => ({ ...v, [name]: value }));
  };

/** A whole number typed in a form, or the text itself when it is not one (the API then names the field). */
export const intOrRaw = (text: string): number => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);
