import { badInput, type Message } from '@victori/shared';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecordDraft {
  facilityId: string;
  title: string;
}

/**
 * Checks every field of a submission and reports all mistakes at once: one BAD_USER_INPUT naming the first
 * field, `extensions.fields` listing each (Indonesian and English). Never repeats the submitted values.
 */
export function checkRecord(input: { facilityId: string; title: string }): RecordDraft {
  const mistakes: { field: string; message: Message }[] = [];
  if (!UUID.test(input.facilityId))
    mistakes.push({ field: 'facilityId', message: { id: 'ID fasilitas tidak valid', en: 'Invalid facility id' } });
  const title = input.title.trim().replace(/\s+/g, ' ');
  if (title.length < 3 || title.length > 200) {
    mistakes.push({ field: 'title', message: { id: 'Judul harus 3 sampai 200 karakter', en: 'The title must be 3 to 200 characters' } });
  }
  const first = mistakes[0];
  if (first) {
    throw badInput(first.field, first.message, {
      fields: mistakes.map((m) => ({ field: m.field, message: m.message.id, messageEn: m.message.en })),
    });
  }
  return { facilityId: input.facilityId.toLowerCase(), title };
}
