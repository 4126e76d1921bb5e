import { newSlipCode, normalisePhone } from './person.validation.js';

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
