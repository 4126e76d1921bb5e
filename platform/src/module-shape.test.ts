import { Linter } from 'eslint';
// The rules that keep the module shape (docs/module-shape.md), applied as eslint.config.js applies them.
import { shapeConfigs } from '../../eslint.shape.js';

const linter = new Linter({ configType: 'flat' });
// Every file matches the base entry, as every file matches the repository's typescript-eslint entry.
const configs: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { sourceType: 'module' } }, ...shapeConfigs];
const problems = (filename: string, code: string): string[] => linter.verify(code, configs, { filename }).map((m) => m.ruleId ?? m.message);

describe('the module shape is checked', () => {
  test('a resolver that imports a store fails; one that calls its service passes', () => {
    expect(problems('services/x/src/modules/a/a.resolver.ts', `import { findA } from './a.store.js';\nfindA();`)).toEqual([
      'no-restricted-imports',
    ]);
    expect(problems('services/x/src/modules/a/a.resolver.ts', `import { a } from './a.service.js';\na();`)).toEqual([]);
  });

  test('SQL outside a store fails; inside a store it is the point', () => {
    const code = `export async function f(em) { return em.execute('select 1'); }\nexport async function g(em) { return sql(em, 'select 1'); }`;
    expect(problems('services/x/src/modules/a/a.loader.ts', code)).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
    expect(problems('services/x/src/modules/a/a.store.ts', code)).toEqual([]);
  });

  test('process.env outside the typed config fails', () => {
    expect(problems('services/x/src/modules/a/a.loader.ts', `export const n = process.env.N;`)).toEqual(['no-restricted-syntax']);
    expect(problems('shared/src/http.ts', `export const n = process.env.N;`)).toEqual(['no-restricted-syntax']);
    expect(problems('shared/src/config.ts', `export const n = process.env.N;`)).toEqual([]);
  });

  test('an exported service operation whose first statement is not the policy fails', () => {
    const file = 'services/x/src/modules/a/a.service.ts';
    expect(problems(file, `export async function f(claims, em) { const a = await em.find(); xPolicy.see(claims, a); }`)).toEqual([
      'shape/policy-first',
    ]);
    expect(problems(file, `export const f = async (claims) => { return 1; };`)).toEqual(['shape/policy-first']);
    expect(problems(file, `export async function f(claims) { xPolicy.see(claims); return 1; }`)).toEqual([]);
    expect(problems(file, `export async function f(claims) { const scope = xPolicy.scope(claims); return scope; }`)).toEqual([]);
    // Synchronous exports are pure helpers (error factories, mappers), not operations.
    expect(problems(file, `export function full() { return new Error('full'); }`)).toEqual([]);
  });
});
