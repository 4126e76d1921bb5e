import type { Claims } from '@victori/shared';
import { badInput } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { reportingPolicy } from '../../policy.js';

/** The view the caller gets (src/policy.ts). */
export function restrictionFor(claims: Claims, settings: ReportingSettings): { threshold: number } | null {
  return reportingPolicy.view(claims, settings);
}

/** A programme or dose code argument. */
export function codeArg(field: string, value: string): string {
  const v = value.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,39}$/.test(v)) {
    throw badInput(field, { id: `${field} tidak valid`, en: `${field} is not a valid code` });
  }
  return v;
}
