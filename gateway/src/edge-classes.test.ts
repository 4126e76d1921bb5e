import { fileURLToPath } from 'node:url';
import { AdmissionControl } from './admission.js';
import { ReadClasses, SubgraphClassifier } from './edge-classes.js';

const classifier = SubgraphClassifier.fromFile(fileURLToPath(new URL('../../supergraph.graphql', import.meta.url)));

describe('read classes at the edge', () => {
  test.each([
    ['{ facilities(type: PUSKESMAS) { edges { node { name } } } }', 'booking'],
    ['{ facilities { edges { node { name area { name } } } } }', 'booking+reporting'],
    ['{ facilities { edges { node { id stock { usableDoses } } } } }', 'booking+inventory'],
    ['query Q { areas { name } }', 'reporting'],
    ['{ facilities { edges { node { ...F } } } } fragment F on Facility { stock { onHandDoses } }', 'booking+inventory'],
    ['{ __typename }', 'none'],
    ['{ not valid', 'unknown'],
  ])('%s is %s', (query, cls) => {
    expect(classifier.classify(query)).toBe(cls);
  });

  test('a persisted query sent by hash alone has the class of its document once seen', () => {
    expect(classifier.classifyHash('abc')).toBe('unknown');
    classifier.classify('{ areas { code } }', 'abc');
    expect(classifier.classifyHash('abc')).toBe('reporting');
  });

  test('one class holds at most its share of the read bound; the others keep theirs', async () => {
    const classes = new ReadClasses(new AdmissionControl(8, 0, 10), 0.5);
    const sick = await Promise.all(Array.from({ length: 6 }, () => classes.enter('booking+inventory')));
    expect(sick.filter(Boolean)).toHaveLength(4);
    const other = await Promise.all(Array.from({ length: 4 }, () => classes.enter('reporting')));
    expect(other.every(Boolean)).toBe(true);
    expect(await classes.enter('booking')).toBe(false);
    classes.leave('reporting');
    expect(await classes.enter('booking')).toBe(true);
  });

  test('a read whose class is full waits for a place of its class within the deadline, in order, and is refused after it', async () => {
    const classes = new ReadClasses(new AdmissionControl(8, 8, 50), 0.5);
    expect((await Promise.all(Array.from({ length: 4 }, () => classes.enter('booking')))).every(Boolean)).toBe(true);
    const order: string[] = [];
    const first = classes.enter('booking').then((ok) => (order.push('first'), ok));
    const second = classes.enter('booking').then((ok) => (order.push('second'), ok));
    await new Promise((r) => setImmediate(r));
    expect(classes.metrics().waiting).toBe(2);
    // Other classes are not held up by the waiting ones.
    expect(await classes.enter('reporting')).toBe(true);
    classes.leave('booking');
    expect(await first).toBe(true);
    // Nobody leaves again: the second waits out the 50 ms deadline and is refused, counted by class.
    expect(await second).toBe(false);
    expect(order).toEqual(['first', 'second']);
    expect(classes.metrics()).toMatchObject({
      refusedByClass: 1,
      admittedAfterClassWait: 1,
      waiting: 0,
      inFlight: { booking: 4, reporting: 1 },
    });
  });

  test('without a queue (or while the reads are refusing) a full class refuses at once', async () => {
    const classes = new ReadClasses(new AdmissionControl(4, 0, 1000), 0.5);
    await Promise.all([classes.enter('booking'), classes.enter('booking')]);
    const began = performance.now();
    expect(await classes.enter('booking')).toBe(false);
    expect(performance.now() - began).toBeLessThan(100);
  });
});
