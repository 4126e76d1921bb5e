import { parse } from 'graphql';
import { describeVariableError, documentHasNul, MAX_VARIABLE_DEPTH, redactEchoedValues, variablesProblem } from './request-guards.js';
import { TrustedDocuments, sha256 } from './trusted-documents.js';

describe('client mistakes are told apart before anything reaches a database', () => {
  test('a NUL anywhere in the variables (value or key, however deep) and absurd nesting', () => {
    expect(variablesProblem({ input: { nik: '3374\u000012', name: 'x' } })).toBe('nul');
    expect(variablesProblem({ list: [['a', 'b\u0000']] })).toBe('nul');
    expect(variablesProblem({ 'k\u0000': 1 })).toBe('nul');
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(variablesProblem({ deep })).toBe('depth');
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_VARIABLE_DEPTH - 2; i++) fine = [fine];
    expect(variablesProblem({ fine, n: 1, b: true, z: null })).toBeUndefined();
    expect(variablesProblem(undefined)).toBeUndefined();
  });

  test('a NUL in a string literal of the document', () => {
    expect(documentHasNul(parse('{ area(code: "33\\u0000") { code } }'))).toBe(true);
    expect(documentHasNul(parse('{ area(code: "33.74") { code } }'))).toBe(false);
  });

  test("GraphQL's messages keep the variable, the path and the reason, never the refused value", () => {
    const nik = '3374012345678901';
    const cases: [string, string][] = [
      [
        `Variable "$input" got invalid value { nik: "${nik}", fullName: "Sari; Dewi", phone: "081234567890" }; Field "doseKind" of required type "String!" was not provided.`,
        'Variable "$input" got invalid value; Field "doseKind" of required type "String!" was not provided.',
      ],
      [
        `Variable "$nik" got invalid value ${nik}; String cannot represent a non string value: ${nik}`,
        'Variable "$nik" got invalid value; String cannot represent a non string value',
      ],
      [
        `Variable "$i" got invalid value ${nik} at "i.nik"; String cannot represent a non string value: ${nik}`,
        'Variable "$i" got invalid value at "i.nik"; String cannot represent a non string value',
      ],
      [`String cannot represent a non string value: ${nik}`, 'String cannot represent a non string value.'],
      [`Expected value of type "AreaLevel", found "${nik}".`, 'Expected value of type "AreaLevel".'],
      [`Value "${nik}" does not exist in "AreaLevel" enum.`, 'Value does not exist in "AreaLevel" enum.'],
      ['Cannot query field "cod" on type "Area".', 'Cannot query field "cod" on type "Area".'],
    ];
    for (const [message, redacted] of cases) {
      expect(redactEchoedValues(message)).toBe(redacted);
      expect(redactEchoedValues(message)).not.toContain(nik);
    }
  });

  test('a refused variable becomes its field and the kind of mistake, in both languages, without the value', () => {
    const nik = '3374012345678901';
    const cases: [string, Record<string, string>][] = [
      [
        `Variable "$input" got invalid value ${nik} at "input.nik"; String cannot represent a non string value: ${nik}`,
        { variable: 'input', field: 'nik', messageId: 'badUserInput.wrongType', en: 'nik must be a String', id: 'nik harus berupa String' },
      ],
      [
        `Variable "$input" got invalid value { nik: "${nik}" }; Field "doseKind" of required type "String!" was not provided.`,
        { field: 'doseKind', messageId: 'badUserInput.required', id: 'doseKind wajib diisi' },
      ],
      [
        `Variable "$i" got invalid value { x: 1 } at "i.rows[2]"; Field "target" of required type "Int!" was not provided.`,
        { field: 'rows[2].target', messageId: 'badUserInput.required' },
      ],
      [
        `Variable "$input" got invalid value { ${nik}: 1 }; Field "${nik}" is not defined by type "BookAppointmentInput".`,
        { field: 'input', messageId: 'badUserInput.invalid' },
      ],
      [
        `Variable "$l" got invalid value "${nik}"; Value "${nik}" does not exist in "AreaLevel" enum.`,
        { field: 'l', messageId: 'badUserInput.notInEnum' },
      ],
      ['Variable "$id" of required type "ID!" was not provided.', { field: 'id', messageId: 'badUserInput.required' }],
      [`Variable "$d" got invalid value "${nik}"; Expected type "Date". Not a date`, { field: 'd', messageId: 'badUserInput.notADate' }],
      [
        `Variable "$input" got invalid value "${nik}" at "input.birthDate"; Expected a date, YYYY-MM-DD`,
        {
          field: 'birthDate',
          messageId: 'badUserInput.notADate',
          en: 'birthDate must be a date, YYYY-MM-DD',
          id: 'birthDate harus tanggal YYYY-MM-DD',
        },
      ],
      [
        `Variable "$input" got invalid value "${nik}" at "input.administeredAt"; Expected an RFC 3339 date-time with an offset`,
        { field: 'administeredAt', messageId: 'badUserInput.notADateTime' },
      ],
      [
        `Variable "$s" got invalid value "${nik}"; Value "${nik}" does not exist in "Sex" enum.`,
        { field: 's', messageId: 'badUserInput.notInEnum' },
      ],
    ];
    // A variable that is an argument's whole value is named by the argument.
    expect(describeVariableError(`Variable "$b" got invalid value "${nik}"; Expected a date, YYYY-MM-DD`, () => 'birthDate')).toMatchObject(
      {
        variable: 'b',
        field: 'birthDate',
        en: 'birthDate must be a date, YYYY-MM-DD',
      },
    );
    for (const [message, expected] of cases) {
      const mistake = describeVariableError(message);
      expect(mistake).toMatchObject(expected);
      expect(JSON.stringify(mistake)).not.toContain(nik);
    }
    expect(describeVariableError('Cannot query field "cod" on type "Area".')).toBeUndefined();
  });

  test("the edge learns the manifest's mutations, so a booking sent by hash alone is admitted as a booking", () => {
    const book = 'mutation Book($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }';
    const documents = TrustedDocuments.fromJson(JSON.stringify([book, '{ areas { code } }']));
    expect(documents.mutationHashes()).toEqual([sha256(book)]);
  });
});
