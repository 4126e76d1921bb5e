import { classifyBody, MutationHashes } from './edge.js';

const body = (value: unknown): string => JSON.stringify(value);

describe('the edge tells bookings from reads', () => {
  test('by the operation, not by the word "mutation" appearing somewhere', () => {
    const hashes = new MutationHashes();
    expect(classifyBody(body({ query: '{ areas { code } }' }), hashes)).toBe('read');
    expect(classifyBody(body({ query: 'mutation Book($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }' }), hashes)).toBe(
      'write',
    );
    expect(classifyBody(body({ query: '# book a slot\n  mutation { cancelAppointment(id: "x") { id } }' }), hashes)).toBe('write');
    expect(
      classifyBody(body({ query: 'query { facilities(search: "mutation") { name } }', variables: { note: 'mutation' } }), hashes),
    ).toBe('read');
    // A batch with one booking in it is a booking.
    expect(classifyBody(body([{ query: '{ areas { code } }' }, { query: 'mutation { x }' }]), hashes)).toBe('write');
  });

  test('a persisted booking sent by hash alone is a booking once its registration passed the edge', () => {
    const hashes = new MutationHashes();
    const hashOnly = body({ variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
    expect(classifyBody(hashOnly, hashes)).toBe('read');
    const registration = body({
      query: 'mutation { bookAppointment { id } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    });
    expect(classifyBody(registration, hashes)).toBe('write');
    expect(classifyBody(hashOnly, hashes)).toBe('write');
    // A persisted read stays a read.
    const read = body({ query: '{ areas { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'def' } } });
    expect(classifyBody(read, hashes)).toBe('read');
    expect(classifyBody(body({ extensions: { persistedQuery: { version: 1, sha256Hash: 'def' } } }), hashes)).toBe('read');
  });

  test('remembers a bounded number of hashes, the oldest forgotten first', () => {
    const hashes = new MutationHashes(2);
    for (const h of ['a', 'b', 'c']) hashes.add(h);
    expect([hashes.has('a'), hashes.has('b'), hashes.has('c')]).toEqual([false, true, true]);
  });

  test('a body that is not JSON is a read (the gateway answers it with its own typed error)', () => {
    expect(classifyBody('{"query": "mutation {', new MutationHashes())).toBe('read');
  });
});
