import { expect, test } from 'vitest';
import { deadlineDay, placeMistakes } from './rules.js';

test('a deadline at local midnight is shown as the working day before it, in either language', () => {
  // 2026-12-08T00:00+07:00: the end of Monday 7 December.
  expect(deadlineDay('2026-12-07T17:00:00.000Z', 'id')).toBe('Senin, 7 Desember 2026');
  expect(deadlineDay('2026-12-07T17:00:00.000Z', 'en')).toBe('Monday, 7 December 2026');
  expect(deadlineDay('not a date', 'id')).toBe('not a date');
});

const m = (...fields: string[]) => ({ general: [], fields: fields.map((field) => ({ field, message: field })) });

test('with the facility from the picked visit, its mistake is shown once, beside the pick', () => {
  expect(placeMistakes(m('description', 'subjectId', 'facilityId'), true).fields.map((f) => f.field)).toEqual(['subjectId', 'description']);
  expect(placeMistakes(m('facilityId', 'category'), true).fields.map((f) => f.field)).toEqual(['subjectId', 'category']);
});

test('a facility chosen by name keeps its own mistake; all in the order of the form', () => {
  expect(placeMistakes(m('attachments.0.url', 'description', 'category', 'facilityId'), false).fields.map((f) => f.field)).toEqual([
    'facilityId',
    'category',
    'description',
    'attachments.0.url',
  ]);
});
