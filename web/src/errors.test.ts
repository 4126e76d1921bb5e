import { describe, expect, test } from 'vitest';
import { CombinedError } from '@urql/core';
import { composeDate, readMistakes } from './errors.js';

// Plain error objects as they arrive in a response body; CombinedError turns them into GraphQLErrors.
const err = (message: string, extensions: Record<string, unknown>) => ({ message, extensions });

describe('reading the API typed errors into a form', () => {
  const combined = new CombinedError({
    graphQLErrors: [
      err('NIK harus 16 angka', {
        code: 'BAD_USER_INPUT',
        field: 'nik',
        messageEn: 'NIK must be 16 digits',
        fields: [
          { field: 'nik', message: 'NIK harus 16 angka', messageEn: 'NIK must be 16 digits' },
          { field: 'input.phone', message: 'Nomor HP tidak valid', messageEn: 'Invalid mobile number' },
        ],
      }),
      err('Sesi penuh', { code: 'SESSION_FULL', messageEn: 'The session is full' }),
    ],
  });

  test('every field mistake from extensions.fields, in the user language; the rest as general messages', () => {
    expect(readMistakes(combined, 'id', 'x')).toEqual({
      fields: [
        { field: 'nik', message: 'NIK harus 16 angka' },
        { field: 'phone', message: 'Nomor HP tidak valid' },
      ],
      general: ['Sesi penuh'],
    });
    expect(readMistakes(combined, 'en', 'x').fields.map((f) => f.message)).toEqual(['NIK must be 16 digits', 'Invalid mobile number']);
  });

  test('one error per field works too, and a network failure is one general message', () => {
    const perField = new CombinedError({ graphQLErrors: [err('a', { field: 'nik' }), err('b', { field: 'sex', messageEn: 'B' })] });
    expect(readMistakes(perField, 'en', 'x').fields).toEqual([
      { field: 'nik', message: 'a' },
      { field: 'sex', message: 'B' },
    ]);
    expect(readMistakes(new CombinedError({ networkError: new Error('down') }), 'id', 'Tidak dapat terhubung')).toEqual({
      fields: [],
      general: ['Tidak dapat terhubung'],
    });
  });

  test('a three-field date', () => {
    expect(composeDate('7', '3', '1985')).toBe('1985-03-07');
  });
});
