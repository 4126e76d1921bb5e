/**
 * The module shape (docs/module-shape.md), checked: a resolver never imports a store, SQL lives in
 * *.store.ts, process.env is read only by the typed config, and every exported function of a
 * *.service.ts decides access first through the service's policy. Files not moved into the shape yet
 * are listed in LEGACY below; the list only shrinks.
 */

/** Files that still hold SQL outside a store or services that do not decide access first (see the report of issue 17). */
export const LEGACY_SQL = [];

/** Services whose access decisions are still made by their resolvers or callers (none left). */
export const LEGACY_POLICY = [];

const isPolicyCall = (node) => {
  const call =
    node?.type === 'ExpressionStatement'
      ? node.expression
      : node?.type === 'VariableDeclaration'
        ? node.declarations[0]?.init
        : node?.type === 'ReturnStatement'
          ? node.argument
          : undefined;
  const expr = call?.type === 'AwaitExpression' ? call.argument : call;
  if (expr?.type !== 'CallExpression' || expr.callee.type !== 'MemberExpression') return false;
  const object = expr.callee.object;
  return object.type === 'Identifier' && /Policy$/.test(object.name);
};

const policyFirst = {
  meta: {
    type: 'problem',
    docs: { description: 'the first statement of an exported service function is the access decision (<service>Policy.x(...))' },
    schema: [],
    messages: {
      first:
        'An exported service function decides access first: make its first statement a call on the service policy (docs/module-shape.md).',
    },
  },
  create(context) {
    const check = (fn, name) => {
      const first = fn.body?.type === 'BlockStatement' ? fn.body.body[0] : undefined;
      if (!isPolicyCall(first)) context.report({ node: name ?? fn, messageId: 'first' });
    };
    return {
      // Operations are async (they read or write); synchronous exports are pure helpers (error factories, mappers).
      'ExportNamedDeclaration > FunctionDeclaration[async=true]'(fn) {
        check(fn, fn.id);
      },
      'ExportNamedDeclaration > VariableDeclaration > VariableDeclarator'(d) {
        if (d.init && (d.init.type === 'ArrowFunctionExpression' || d.init.type === 'FunctionExpression') && d.init.async)
          check(d.init, d.id);
      },
    };
  },
};

export const shapePlugin = { rules: { 'policy-first': policyFirst } };

const SQL_CALLS = [
  {
    selector: "CallExpression[callee.property.name='execute']",
    message: 'SQL belongs in the aggregate’s *.store.ts (docs/module-shape.md).',
  },
  { selector: "CallExpression[callee.name='sql']", message: 'SQL belongs in the aggregate’s *.store.ts (docs/module-shape.md).' },
];
const PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Settings come from the typed config (config.ts, Env); process.env is read nowhere else.',
};
const NOT_SHAPE_CODE = ['**/*.test.ts', '**/testing/**', '**/migrations/**', '**/seeders/**', '**/bench/**'];

export const shapeConfigs = [
  {
    files: ['services/*/src/**/*.resolver.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/*.store.js', '*.store.js'],
              message: 'A resolver calls its service; the store is the service’s (docs/module-shape.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/**/*.ts'],
    ignores: [...NOT_SHAPE_CODE, '**/*.store.ts', ...LEGACY_SQL],
    rules: { 'no-restricted-syntax': ['error', ...SQL_CALLS, PROCESS_ENV] },
  },
  // An empty `files` would match every file: the block exists only while a legacy file does.
  ...(LEGACY_SQL.length > 0 ? [{ files: [...LEGACY_SQL], rules: { 'no-restricted-syntax': ['error', PROCESS_ENV] } }] : []),
  {
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/config.ts', '**/*.test.ts', 'shared/src/testing/**'],
    rules: { 'no-restricted-syntax': ['error', PROCESS_ENV] },
  },
  {
    files: ['services/*/src/modules/**/*.service.ts'],
    ignores: [...LEGACY_SQL, ...LEGACY_POLICY],
    plugins: { shape: shapePlugin },
    rules: { 'shape/policy-first': 'error' },
  },
];
