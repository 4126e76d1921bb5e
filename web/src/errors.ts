import type { CombinedError } from '@urql/core';

export interface FieldMistake {
  field: string;
  message: string;
}

export interface Mistakes {
  /** Field errors in the order the API gave them (the error summary's order). */
  fields: FieldMistake[];
  /** Errors that belong to no field (full session, not eligible, …). */
  general: string[];
}

interface Extensions {
  code?: string;
  field?: string;
  messageEn?: string;
  fields?: { field: string; message: string; messageEn?: string }[];
}

/**
 * Reads the API's typed errors into what a form shows: every field mistake (one error per field, or one
 * error listing extensions.fields) in the user's language, and the rest as general messages.
 */
export function readMistakes(error: CombinedError | undefined, lang: string, networkMessage: string): Mistakes {
  const out: Mistakes = { fields: [], general: [] };
  if (!error) return out;
  if (error.networkError && error.graphQLErrors.length === 0) {
    out.general.push(networkMessage);
    return out;
  }
  const seen = new Set<string>();
  const pick = (id: string, en: string | undefined): string => (lang === 'en' && en ? en : id);
  for (const e of error.graphQLErrors) {
    const ext = (e.extensions ?? {}) as Extensions;
    const list = ext.fields?.length ? ext.fields : ext.field ? [{ field: ext.field, message: e.message, messageEn: ext.messageEn }] : [];
    if (list.length === 0) {
      out.general.push(pick(e.message, ext.messageEn));
      continue;
    }
    for (const f of list) {
      const field = f.field.replace(/^input\./, '');
      if (seen.has(field)) continue;
      seen.add(field);
      out.fields.push({ field, message: pick(f.message, f.messageEn) });
    }
  }
  return out;
}

/** A birth date from three fields as YYYY-MM-DD, or the raw parts joined when they are not a real date. */
export function composeDate(day: string, month: string, year: string): string {
  const d = day.trim().padStart(2, '0');
  const m = month.trim().padStart(2, '0');
  const y = year.trim();
  return `${y}-${m}-${d}`;
}
