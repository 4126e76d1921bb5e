import { bindNamed } from './sql.js';

describe('named SQL parameters', () => {
  test('binds names in order, repeats and lists', () => {
    expect(bindNamed('select * from t where a = :a and b in (:ids) and c = :a', { a: 1, ids: [2, 3] })).toEqual({
      sql: 'select * from t where a = ? and b in (?) and c = ?',
      values: [1, [2, 3], 1],
    });
  });

  test('leaves casts, quoted text, identifiers and comments alone', () => {
    const text = `select to_char(x, 'HH24:MI')::text as ":odd", y::int -- note :x\nfrom t where id = :id`;
    expect(bindNamed(text, { id: 'a' })).toEqual({ sql: text.replace(':id', '?'), values: ['a'] });
  });

  test('a missing value, an unused value and a positional ? are errors', () => {
    expect(() => bindNamed('select :a', {})).toThrow(':a has no value');
    expect(() => bindNamed('select :a', { a: 1, b: 2 })).toThrow('b is not used');
    expect(() => bindNamed('select ?', {})).toThrow('positional');
  });
});
