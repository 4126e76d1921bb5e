import { formatDate } from '../dates.js';
import type { Mistakes } from '../errors.js';

/**
 * A deadline as the citizen reads it: the last working day. The API gives the end of that day (local
 * midnight, Asia/Jakarta), which is already the next calendar day; one millisecond before it is the day.
 */
export function deadlineDay(iso: string, lang: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return formatDate(new Date(at - 1 + 7 * 3600_000).toISOString().slice(0, 10), lang);
}

/**
 * Where the complaint form shows the API's mistakes. When the facility follows from the picked appointment or
 * dose, the API's `facilityId` mistake belongs beside that one choice (`subjectId`), once; then everything in
 * the order of the form, top to bottom.
 */
export function placeMistakes(found: Mistakes, facilityFromPick: boolean): Mistakes {
  const order = ['facilityId', 'subjectId', 'category', 'description', 'attachments.0.url'];
  let fields = found.fields;
  if (facilityFromPick) {
    const picker = fields.some((f) => f.field === 'subjectId');
    fields = fields.flatMap((f) => (f.field !== 'facilityId' ? [f] : picker ? [] : [{ ...f, field: 'subjectId' }]));
  }
  const rank = (field: string): number => (order.includes(field) ? order.indexOf(field) : order.length);
  return { general: found.general, fields: [...fields].sort((a, b) => rank(a.field) - rank(b.field)) };
}
