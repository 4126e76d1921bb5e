import { badInput } from '@victori/shared';

/** A programme or dose code argument. */
export function codeArg(field: string, value: string): string {
  const v = value.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,39}$/.test(v)) {
    throw badInput(field, { id: `${field} tidak valid`, en: `${field} is not a valid code` });
  }
  return v;
}
