import { ScaffoldError, subgraphNames } from './names.js';

describe('the name of a new subgraph', () => {
  test('gives every spelling the files need', () => {
    expect(subgraphNames('hpv')).toEqual({ name: 'hpv', pascal: 'Hpv', camel: 'hpv', upper: 'HPV' });
    expect(subgraphNames('schoolbias2')).toMatchObject({ pascal: 'Schoolbias2', upper: 'SCHOOLBIAS2' });
  });

  test.each([
    [undefined, /usage: npm run new:subgraph/],
    ['', /usage/],
    ['HPV', /lowercase letters and digits/],
    ['hpv-school', /no hyphens/],
    ['2hpv', /starting with a letter/],
    ['h', /2 to 30/],
    ['a'.repeat(31), /2 to 30/],
    ['gateway', /reserved/],
    ['bus', /reserved/],
    ['booking', /existing subgraph/],
    ['identity', /existing subgraph/],
  ])('%p is refused with a sentence that says what to change', (name, says) => {
    expect(() => subgraphNames(name)).toThrow(ScaffoldError);
    expect(() => subgraphNames(name)).toThrow(says);
  });
});
