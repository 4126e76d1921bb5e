import { AppError, makeNik, PiiVault } from '@victori/shared';
import { newSlipCode, normalisePhone, validatePerson } from './person.validation.js';

const vault = new PiiVault('11'.repeat(32));
const good = {
  nik: makeNik('337401', '1990-05-17', 'FEMALE', 7),
  fullName: 'Siti Aminah',
  birthDate: '1990-05-17',
  sex: 'FEMALE',
  phone: '081234567890',
  residenceKelurahanCode: '33.74.01.1001',
};

const mistakesOf = (input: typeof good): { field: string; message: string; messageEn: string }[] => {
  try {
    validatePerson(input, vault, '2026-12-01', true);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const ext = (error as AppError).extensions as {
      code: string;
      field: string;
      fields: { field: string; message: string; messageEn: string }[];
    };
    expect(ext.code).toBe('BAD_USER_INPUT');
    expect(ext.field).toBe(ext.fields[0]!.field);
    return ext.fields;
  }
  return [];
};

test('every mistake of one submission is reported together, each field once, in both languages', () => {
  const fields = mistakesOf({ nik: '12', fullName: '', birthDate: '1990-13-45', sex: '', phone: '0247', residenceKelurahanCode: 'x' });
  expect(fields.map((f) => f.field).sort()).toEqual(['birthDate', 'fullName', 'nik', 'phone', 'residenceKelurahanCode', 'sex']);
  for (const f of fields) expect(f.message && f.messageEn && f.message !== f.messageEn).toBeTruthy();
});

test('a single mistake is one field error, and a good person passes', () => {
  expect(mistakesOf({ ...good, phone: 'nope' }).map((f) => f.field)).toEqual(['phone']);
  // The NIK is still checked against a valid birth date and sex.
  expect(mistakesOf({ ...good, birthDate: '1991-05-17' }).map((f) => f.field)).toEqual(['nik']);
  expect(validatePerson(good, vault, '2026-12-01', true).birthDate).toBe('1990-05-17');
});

test.each([
  ['081234567890', '6281234567890'],
  ['+62 812-3456-7890', '6281234567890'],
  ['6281234567890', '6281234567890'],
  ['0247460000', undefined],
  ['12', undefined],
])('phone %s normalises to %s', (raw, expected) => {
  expect(normalisePhone(raw)).toBe(expected);
});

test('slip codes are six characters without look-alikes', () => {
  const codes = new Set(Array.from({ length: 1000 }, newSlipCode));
  expect(codes.size).toBeGreaterThan(990);
  for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
});
