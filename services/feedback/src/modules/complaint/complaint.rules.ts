import { readFileSync } from 'node:fs';
import { badInput, conflict, dataPath, type Message, isUuid } from '@victori/shared';
import type { Channel, ComplaintStatus, Handling, SubjectType } from './complaint.entity.js';

export const SUBJECTS: readonly SubjectType[] = ['FACILITY', 'SESSION', 'APPOINTMENT', 'DOSE', 'WEBSITE'];
export const STAFF_CHANNELS: readonly Channel[] = ['WALK_IN', 'PHONE', 'LETTER', 'SOCIAL_MEDIA'];

export interface Category {
  code: string;
  subjects: SubjectType[];
  handling: Handling;
  id: string;
  en: string;
}

let categories: Category[] | undefined;
/** The guided categories (data/feedback/categories.json): what the form offers for each subject. */
export function complaintCategories(): Category[] {
  categories ??= (JSON.parse(readFileSync(dataPath('feedback/categories.json'), 'utf8')) as { categories: Category[] }).categories;
  return categories;
}

/** Collects every mistake of one submission; `done()` throws them together (first field named, all listed). */
export class Mistakes {
  private readonly list: { field: string; message: Message }[] = [];
  add(field: string, message: Message): void {
    this.list.push({ field, message });
  }
  done(): void {
    const first = this.list[0];
    if (first) {
      throw badInput(first.field, first.message, {
        fields: this.list.map((m) => ({ field: m.field, message: m.message.id, messageEn: m.message.en })),
      });
    }
  }
}

export interface ComplaintSubmission {
  subjectType: string;
  subjectId?: string | null;
  facilityId?: string | null;
  category: string;
  description: string;
  attachments?: { url: string; mediaType?: string | null }[] | null;
  /** Staff entering it on a citizen's behalf: how it reached them, and the citizen's account when known. */
  channel?: string | null;
  citizenAccount?: string | null;
}

export interface ComplaintDraft {
  subjectType: SubjectType;
  subjectId: string | null;
  facilityId: string | null;
  category: Category;
  description: string;
  attachments: { url: string; mediaType: string | null }[];
  channel: Channel;
  citizenAccount: string | null;
}

const text = (s: string | null | undefined): string => (s ?? '').trim().replace(/[ \t]+/g, ' ');

/**
 * Checks a submission and reports every wrong field at once. Messages never repeat what was typed (a
 * description may hold a name or a NIK). `onBehalf` is true when staff enter it for a citizen.
 */
export function checkSubmission(input: ComplaintSubmission, onBehalf: boolean): ComplaintDraft {
  const wrong = new Mistakes();
  const subjectType = input.subjectType as SubjectType;
  if (!SUBJECTS.includes(subjectType))
    wrong.add('subjectType', { id: 'Jenis hal yang diadukan tidak dikenal', en: 'Unknown subject type' });
  const needsSubject = subjectType === 'SESSION' || subjectType === 'APPOINTMENT' || subjectType === 'DOSE';
  const subjectId = input.subjectId ? input.subjectId.toLowerCase() : null;
  if (needsSubject && (!subjectId || !isUuid(subjectId))) {
    wrong.add('subjectId', {
      id: 'Pilih sesi, janji temu atau dosis yang diadukan',
      en: 'Choose the session, appointment or dose complained about',
    });
  } else if (!needsSubject && subjectId) {
    wrong.add('subjectId', { id: 'Hal ini tidak memerlukan ID', en: 'This subject takes no id' });
  }
  const facilityId = input.facilityId ? input.facilityId.toLowerCase() : null;
  if (subjectType !== 'WEBSITE' && (!facilityId || !isUuid(facilityId))) {
    wrong.add('facilityId', { id: 'Pilih fasilitas yang diadukan', en: 'Choose the facility concerned' });
  }
  if (subjectType === 'WEBSITE' && facilityId)
    wrong.add('facilityId', { id: 'Pengaduan situs tidak untuk fasilitas', en: 'A website complaint has no facility' });
  const category = complaintCategories().find((c) => c.code === input.category);
  if (!category || (SUBJECTS.includes(subjectType) && !category.subjects.includes(subjectType))) {
    wrong.add('category', { id: 'Kategori tidak sesuai dengan hal yang diadukan', en: 'The category does not fit the subject' });
  }
  const description = text(input.description);
  if (description.length < 20 || description.length > 2000) {
    wrong.add('description', { id: 'Uraian harus 20 sampai 2000 karakter', en: 'The description must be 20 to 2000 characters' });
  }
  const attachments = (input.attachments ?? []).map((a) => ({ url: a.url.trim(), mediaType: a.mediaType?.trim() || null }));
  if (attachments.length > 5) wrong.add('attachments', { id: 'Paling banyak 5 lampiran', en: 'At most 5 attachments' });
  attachments.forEach((a, i) => {
    if (!isHttpsUrl(a.url) || a.url.length > 500) {
      wrong.add(`attachments.${i}.url`, { id: 'Lampiran harus tautan https', en: 'An attachment must be an https link' });
    }
    if (a.mediaType && !/^[a-z]+\/[a-z0-9.+-]+$/i.test(a.mediaType)) {
      wrong.add(`attachments.${i}.mediaType`, { id: 'Jenis berkas tidak valid', en: 'Invalid media type' });
    }
  });
  let channel: Channel = 'WEB';
  if (onBehalf) {
    if (!STAFF_CHANNELS.includes(input.channel as Channel)) {
      wrong.add('channel', {
        id: 'Sebutkan saluran pengaduan (datang, telepon, surat, media sosial)',
        en: 'Give the channel (walk-in, phone, letter, social media)',
      });
    } else channel = input.channel as Channel;
  } else if (input.channel && input.channel !== 'WEB') {
    wrong.add('channel', { id: 'Warga mengadu lewat situs', en: 'Citizens complain through the website' });
  }
  const citizenAccount = onBehalf ? text(input.citizenAccount) || null : null;
  if (citizenAccount && citizenAccount.length > 100) wrong.add('citizenAccount', { id: 'ID akun tidak valid', en: 'Invalid account id' });
  wrong.done();
  return { subjectType, subjectId, facilityId, category: category!, description, attachments, channel, citizenAccount };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** A staff note, an answer, a resolution or a reason: required, 5 to 2000 characters. */
export function checkNote(field: string, value: string | null | undefined): string {
  const note = text(value);
  if (note.length < 5 || note.length > 2000) {
    const wrong = new Mistakes();
    wrong.add(field, { id: 'Isi 5 sampai 2000 karakter', en: 'Write 5 to 2000 characters' });
    wrong.done();
  }
  return note;
}

export type Transition = 'assign' | 'start' | 'resolve' | 'reject' | 'reopen' | 'rate';

/** The life of a complaint: which state each step may leave from, and where it goes. */
export const TRANSITIONS: Record<Transition, { from: readonly ComplaintStatus[]; to: ComplaintStatus }> = {
  assign: { from: ['SUBMITTED', 'ASSIGNED'], to: 'ASSIGNED' },
  start: { from: ['ASSIGNED'], to: 'IN_PROGRESS' },
  resolve: { from: ['ASSIGNED', 'IN_PROGRESS'], to: 'RESOLVED' },
  reject: { from: ['SUBMITTED', 'ASSIGNED', 'IN_PROGRESS'], to: 'REJECTED' },
  reopen: { from: ['RESOLVED', 'REJECTED'], to: 'IN_PROGRESS' },
  rate: { from: ['RESOLVED'], to: 'CLOSED' },
};

const STATUS_ID: Record<ComplaintStatus, string> = {
  SUBMITTED: 'diajukan',
  ASSIGNED: 'ditugaskan',
  IN_PROGRESS: 'sedang ditangani',
  RESOLVED: 'selesai',
  CLOSED: 'ditutup',
  REJECTED: 'ditolak',
};

/** CONFLICT when a step does not apply to the complaint's state (a second click, a stale screen). */
export function checkTransition(step: Transition, status: ComplaintStatus): ComplaintStatus {
  const rule = TRANSITIONS[step];
  if (!rule.from.includes(status)) {
    throw conflict(
      {
        id: `Pengaduan berstatus ${STATUS_ID[status]}; langkah ini tidak berlaku`,
        en: `The complaint is ${status.toLowerCase().replace('_', ' ')}; this step does not apply`,
      },
      { field: 'id', status },
    );
  }
  return rule.to;
}

/**
 * The end of the reopening window: `reopenDays` calendar days after the complaint was resolved (RESOLVED,
 * from resolvedAt) or rejected (REJECTED, from closedAt); null in every other state (nothing to reopen).
 */
export function reopenableUntil(c: { status: string; resolvedAt?: Date | null; closedAt?: Date | null }, reopenDays: number): Date | null {
  const decidedAt = c.status === 'RESOLVED' ? c.resolvedAt : c.status === 'REJECTED' ? c.closedAt : null;
  return decidedAt ? new Date(decidedAt.getTime() + reopenDays * 86_400_000) : null;
}

/** Reopening is allowed until reopenableUntil (inclusive); CONFLICT after it. */
export function checkReopenWindow(until: Date | null, now: Date, reopenDays: number): void {
  if (until && now.getTime() > until.getTime()) {
    throw conflict(
      {
        id: `Pengaduan hanya dapat dibuka kembali dalam ${reopenDays} hari`,
        en: `A complaint can be reopened within ${reopenDays} days only`,
      },
      { field: 'id' },
    );
  }
}
