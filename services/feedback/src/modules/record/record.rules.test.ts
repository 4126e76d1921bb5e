import { AppError } from '@victori/shared';
import { checkRecord } from './record.rules.js';

const FACILITY = '6f1c2a10-0000-4000-8000-000000000002';

describe('a feedback record submission', () => {
  test('is tidied: spaces collapsed, the facility id lowercased', () => {
    expect(checkRecord({ facilityId: FACILITY.toUpperCase(), title: '  Kunjungan   sekolah ' })).toEqual({
      facilityId: FACILITY,
      title: 'Kunjungan sekolah',
    });
  });

  test('with two wrong fields reports both at once, in both languages, without the values', () => {
    let error: unknown;
    try {
      checkRecord({ facilityId: 'not-an-id', title: 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const extensions = (error as AppError).extensions;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    expect(extensions.fields).toEqual([
      { field: 'facilityId', message: 'ID fasilitas tidak valid', messageEn: 'Invalid facility id' },
      { field: 'title', message: 'Judul harus 3 sampai 200 karakter', messageEn: 'The title must be 3 to 200 characters' },
    ]);
    expect(JSON.stringify(extensions)).not.toContain('not-an-id');
  });

  test.each([
    ['ab', false],
    ['abc', true],
    ['x'.repeat(200), true],
    ['x'.repeat(201), false],
  ])('title of %#: accepted %s', (title, ok) => {
    const run = () => checkRecord({ facilityId: FACILITY, title });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(AppError);
  });
});
