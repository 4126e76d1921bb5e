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
});
