import { describe, expect, test } from 'vitest';
import { CombinedError } from '@urql/core';
import { conflictingRecord, firstError, stateFor } from './sync.js';

const answer = (code: string, extra: Record<string, unknown> = {}) =>
  firstError(new CombinedError({ graphQLErrors: [{ message: 'pesan', extensions: { code, messageEn: 'message', ...extra } }] }));

describe('what an answer to a sent entry means for it', () => {
  test.each([
    ['DUPLICATE', 'conflict'],
    ['IDEMPOTENCY_CONFLICT', 'conflict'],
    ['BAD_USER_INPUT', 'needs-correction'],
    ['NOT_ELIGIBLE', 'needs-correction'],
    ['FORBIDDEN', 'needs-correction'],
    ['CONFLICT', 'needs-correction'],
    ['UNAUTHENTICATED', 'waiting'],
    ['OVERLOADED', 'waiting'],
    ['SUBGRAPH_UNAVAILABLE', 'waiting'],
    ['INTERNAL_SERVER_ERROR', 'waiting'],
  ])('%s: %s', (code, state) => {
    expect(stateFor(answer(code), false)).toBe(state);
  });

  test('no answer at all (offline) leaves the entry waiting, to be sent again', () => {
    expect(stateFor(undefined, true)).toBe('waiting');
    expect(firstError(new CombinedError({ networkError: new Error('Failed to fetch') }))).toBeUndefined();
  });

  test('the record already on the server is named, for the conflict view', () => {
    expect(answer('DUPLICATE', { field: 'doseKind', existingDoseRecordId: 'r-1' })).toEqual({
      code: 'DUPLICATE',
      message: 'pesan',
      messageEn: 'message',
      field: 'doseKind',
      existingDoseRecordId: 'r-1',
    });
  });
});

describe('what is not an API answer', () => {
  test('an Error thrown on the device (IndexedDB closing, no facility) is no typed error: the day on the device stays', () => {
    expect(firstError(new Error('The database connection is closing.'))).toBeUndefined();
    expect(firstError(undefined)).toBeUndefined();
  });
});

describe('the record on the server a conflicting entry is compared with', () => {
  const node = (id: string, doseKind: string, status = 'ACTIVE') =>
    ({ id, programme: 'ROUTINE_CHILD', doseKind, status, lotNumber: `L-${id}`, vaccinatorName: 'Bidan Rina' }) as never;
  const input = { personId: 'p-1', programme: 'ROUTINE_CHILD', doseKind: 'BCG' } as never;
  const records = [node('r-0', 'BCG', 'SUPERSEDED'), node('r-1', 'HB0'), node('r-2', 'BCG')];

  test("the one the error names, from the connection of the person's records", () => {
    expect(conflictingRecord(records, input, 'r-1')).toMatchObject({ id: 'r-1' });
  });

  test('an error that names none: the active record of the same dose, not a superseded one', () => {
    expect(conflictingRecord(records, input, undefined)).toMatchObject({ id: 'r-2' });
    expect(conflictingRecord(records, input, 'gone')).toMatchObject({ id: 'r-2' });
    expect(conflictingRecord([], input, undefined)).toBeUndefined();
  });
});
