/**
 * `extensions.messageId` is a stable key a client may switch on: it never carries either language's
 * wording, every code it is built from is documented in docs/errors.md, and FieldErrors hands back every
 * mistake of a submission in one error.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AppError,
  badInput,
  checkAll,
  conflict,
  ErrorCode,
  FieldErrors,
  forbidden,
  messageKey,
  NOT_FOUND_THINGS,
  notFound,
  unauthenticated,
  type NotFoundThing,
} from './errors.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');
const KEY = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/;

describe('message keys', () => {
  test('are built from the code and the field, never from a sentence', () => {
    expect(badInput('birthDate', { id: 'Tanggal lahir di masa depan', en: 'The birth date is in the future' }).extensions.messageId).toBe(
      'badUserInput.birthDate',
    );
    expect(badInput('openingHours.2.weekday', { id: 'x', en: 'y' }).extensions.messageId).toBe('badUserInput.openingHours.weekday');
    expect(conflict({ id: 'Kode slip tidak cocok', en: 'Wrong slip code' }, { field: 'slipCode' }).extensions.messageId).toBe(
      'conflict.slipCode',
    );
    expect(new AppError(ErrorCode.SESSION_FULL, { id: 'Sesi penuh', en: 'The session is full' }).extensions.messageId).toBe('sessionFull');
    expect(unauthenticated().extensions.messageId).toBe('common.unauthenticated');
    expect(forbidden().extensions.messageId).toBe('common.forbidden');
    expect(forbidden('Partners see aggregates only', 'Mitra hanya melihat agregat').extensions.messageId).toBe('common.forbidden');
    expect(badInput('x', { id: 'a', en: 'b', key: 'booking.slotFull' }).extensions.messageId).toBe('booking.slotFull');
    expect(messageKey('INSUFFICIENT_STOCK', 'doses')).toBe('insufficientStock.doses');
  });

  test.each(Object.keys(NOT_FOUND_THINGS) as NotFoundThing[])('notFound(%p) has a key named after the English thing', (thing) => {
    const key = String(notFound(thing, 'id').extensions.messageId);
    expect(key).toMatch(KEY);
    expect(key.startsWith('notFound.')).toBe(true);
  });

  test('every code is documented in docs/errors.md', () => {
    for (const code of Object.values(ErrorCode)) expect(DOC).toContain(`\`${code}\``);
  });
});

describe('every mistake of a submission at once', () => {
  test('FieldErrors keeps added mistakes and those thrown by existing checks, in order; other errors pass through', () => {
    const mistakes = new FieldErrors();
    mistakes.add('nik', { id: 'NIK harus 16 angka', en: 'The NIK has 16 digits' });
    expect(mistakes.check(() => 42)).toBe(42);
    expect(
      mistakes.check(() => {
        throw badInput('phone', { id: 'Nomor HP tidak valid', en: 'Invalid mobile number' });
      }),
    ).toBeUndefined();
    expect(() =>
      mistakes.check(() => {
        throw notFound('Sesi', 'slotId');
      }),
    ).toThrow('Sesi tidak ditemukan');
    let thrown: AppError | undefined;
    try {
      mistakes.throwIfAny();
    } catch (error) {
      thrown = error as AppError;
    }
    expect(thrown?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'nik',
      messageId: 'badUserInput.nik',
      fields: [
        { field: 'nik', message: 'NIK harus 16 angka', messageEn: 'The NIK has 16 digits', messageId: 'badUserInput.nik' },
        { field: 'phone', message: 'Nomor HP tidak valid', messageEn: 'Invalid mobile number', messageId: 'badUserInput.phone' },
      ],
    });
  });

  test('checkAll flattens nested collections and throws nothing when all pass', () => {
    expect(() =>
      checkAll(
        () => 1,
        () => undefined,
      ),
    ).not.toThrow();
    try {
      checkAll(
        () =>
          checkAll(
            () => {
              throw badInput('a', { id: 'a', en: 'a' });
            },
            () => {
              throw badInput('b', { id: 'b', en: 'b' });
            },
          ),
        () => {
          throw badInput('c', { id: 'c', en: 'c' });
        },
      );
      throw new Error('not thrown');
    } catch (error) {
      expect(((error as AppError).extensions.fields as { field: string }[]).map((f) => f.field)).toEqual(['a', 'b', 'c']);
    }
  });

  test('a single field error lists itself in fields too', () => {
    expect(badInput('nik', { id: 'x', en: 'y' }).extensions.fields).toEqual([
      { field: 'nik', message: 'x', messageEn: 'y', messageId: 'badUserInput.nik' },
    ]);
  });
});
