import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { AppError, badInput, ErrorCode } from '@victori/shared';
import { BREAK, Kind, visit, type DocumentNode } from 'graphql';
import { refuseEarly } from './early-refusal.js';
import { sha256 } from './trusted-documents.js';

/** Deeper variables than any input type of the supergraph nests (a filter in a list in an input is 4). */
export const MAX_VARIABLE_DEPTH = 32;

const badRequest = (id: string, en: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError(ErrorCode.BAD_REQUEST, { id, en }, { ...extra, http: { status: 400 } });

const nulInput = (field: string): AppError =>
  badInput(
    field,
    { id: 'Masukan tidak boleh berisi karakter NUL (\\u0000)', en: 'Input must not contain the NUL character (\\u0000)' },
    { http: { status: 400 } },
  );

/**
 * Where variables break a rule: a NUL character in any string (PostgreSQL refuses it in text with a
 * protocol error, so it must never reach a database) or nesting deeper than MAX_VARIABLE_DEPTH. Walked
 * with an explicit stack: a 5,000-deep value must not cost a recursion per level.
 */
export function variablesProblem(variables: unknown): 'nul' | 'depth' | undefined {
  const stack: [unknown, number][] = [[variables, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'nul';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_VARIABLE_DEPTH) return 'depth';
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return 'nul';
        stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

const nulChecked = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a string literal of the document (an argument written inline) holds a NUL character. Known per
 * document: Apollo keeps each parsed document (its document store) and hands the same one to every request
 * with that text, so the walk is done once per document, not per request (it was 3.5% of the gateway's CPU
 * per availability read).
 */
export function documentHasNul(document: DocumentNode): boolean {
  let known = nulChecked.get(document);
  if (known === undefined) {
    known = walkForNul(document);
    nulChecked.set(document, known);
  }
  return known;
}

function walkForNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes('\u0000')) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

const VALUE_ECHO: [RegExp, string][] = [
  // "String cannot represent a non string value: 3374...", "Enum \"X\" cannot represent non-enum value: ..."
  [/(cannot represent [^:]*value): [\s\S]*$/, '$1.'],
  // "Expected value of type \"String\", found 3374...."
  [/(Expected value of type "[^"]*"), found [\s\S]*$/, '$1.'],
  // "Argument \"nik\" has invalid value 3374...."
  [/(Argument "[^"]*" has invalid value)[\s\S]*$/, '$1.'],
  // "Value \"3374...\" does not exist in \"AreaLevel\" enum."
  [/Value "(?:[^"\\]|\\.)*" (does not exist in "[^"]*" enum)/, 'Value $1'],
];
const SAFE_REASON =
  /^(Field "\w*" of required type "[\w!\[\]]*" was not provided\.|Field "\w*" is not defined by type "\w*"\.|Expected type "[\w!\[\]]*"\.|[\w ]*cannot represent [^:]*value)/;

/**
 * GraphQL's own coercion and validation messages repeat the value they refused (`Variable "$input" got
 * invalid value { nik: "3374...", fullName: ... }`, `String cannot represent a non string value:
 * 3374...`): a citizen's NIK, name and phone would come back in the answer, and from there into client
 * logs. They are cut to the variable, the path of field names and the reason; the value never.
 */
export function redactEchoedValues(message: string): string {
  const variable = /^Variable "(\$\w+)" got invalid value /.exec(message);
  if (variable) {
    const rest = message.slice(variable[0].length);
    const at = / at "([\w.[\]]+)"; /.exec(rest);
    const lastReason = rest.slice(rest.lastIndexOf('; ') + 2);
    const reason = SAFE_REASON.exec(lastReason)?.[0];
    return `Variable "${variable[1]}" got invalid value${at ? ` at "${at[1]}"` : ''}${reason ? `; ${reason}` : ''}`;
  }
  let out = message;
  for (const [pattern, replacement] of VALUE_ECHO) out = out.replace(pattern, replacement);
  return out;
}

/** A refused variable, told by field and kind of mistake: what a form needs to mark the field, and no value. */
export interface VariableMistake {
  variable: string;
  /** The input field below the variable (`nik`, `rows[2].target`), or the variable itself when it is the value. */
  field: string;
  messageId: string;
  id: string;
  en: string;
}

const TYPE = '"([\\w!\\[\\]]+)"';
const VARIABLE_REASONS: [RegExp, (m: RegExpExecArray, field: string) => Omit<VariableMistake, 'variable' | 'field'>][] = [
  [
    new RegExp(`^Field "(\\w+)" of required type ${TYPE} was not provided`),
    (m, field) => ({ messageId: 'badUserInput.required', id: `${field} wajib diisi`, en: `${field} is required (${m[2]})` }),
  ],
  [
    // Only a GraphQL name is repeated: a key that is not one (a NIK sent as a key) falls to "invalid".
    /^Field "([_A-Za-z]\w*)" is not defined by type "(\w+)"/,
    (m, field) => ({
      messageId: 'badUserInput.unknownField',
      id: `${field} tidak dikenal di ${m[2]}`,
      en: `${field} is not a field of ${m[2]}`,
    }),
  ],
  [
    new RegExp(`^Expected non-nullable type ${TYPE} not to be null`),
    (_m, field) => ({ messageId: 'badUserInput.required', id: `${field} tidak boleh null`, en: `${field} must not be null` }),
  ],
  [
    /^Value "(?:[^"\\]|\\.)*" does not exist in "(\w+)" enum|^Enum "(\w+)" cannot represent/,
    (m, field) => ({
      messageId: 'badUserInput.notInEnum',
      id: `${field} bukan nilai ${m[1] ?? m[2]}`,
      en: `${field} is not a value of ${m[1] ?? m[2]}`,
    }),
  ],
  [
    // Our time scalars (shared/src/scalars.ts): the format a client must send, never the value it sent.
    // Their own messages (GraphQLErrors pass as they are) or graphql-js's prefix for any other failure.
    /^Expected (?:type "(Date|DateTime)"|(a date), YYYY-MM-DD|an RFC 3339 date-time)/,
    (m, field) =>
      m[1] === 'Date' || m[2]
        ? { messageId: 'badUserInput.notADate', id: `${field} harus tanggal YYYY-MM-DD`, en: `${field} must be a date, YYYY-MM-DD` }
        : {
            messageId: 'badUserInput.notADateTime',
            id: `${field} harus waktu RFC 3339 dengan zona waktu (2026-12-01T09:30:00+07:00)`,
            en: `${field} must be an RFC 3339 date-time with an offset (2026-12-01T09:30:00+07:00)`,
          },
  ],
  [
    /^(\w+) cannot represent/,
    (m, field) => ({ messageId: 'badUserInput.wrongType', id: `${field} harus berupa ${m[1]}`, en: `${field} must be a ${m[1]}` }),
  ],
  [
    new RegExp(`^Expected type ${TYPE} to be an object`),
    (m, field) => ({
      messageId: 'badUserInput.wrongType',
      id: `${field} harus berupa objek ${m[1]}`,
      en: `${field} must be a ${m[1]} object`,
    }),
  ],
];

/**
 * GraphQL's variable-coercion message (`Variable "$input" got invalid value 3374… at "input.nik"; String
 * cannot represent a non string value: 3374…`) as the field it names and the kind of mistake, in both
 * languages. Undefined for any other message. The refused value is never read out of the message.
 */
export function describeVariableError(
  message: string,
  argumentOf: (variable: string) => string | undefined = () => undefined,
): VariableMistake | undefined {
  const top = /^Variable "\$(\w+)" (?:of required type "[^"]*" was not provided|of non-null type "[^"]*" must not be null)/.exec(message);
  if (top) {
    const variable = top[1]!;
    const field = argumentOf(variable) ?? variable;
    return { variable, field, messageId: 'badUserInput.required', id: `${field} wajib diisi`, en: `${field} is required` };
  }
  const head = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (!head) return undefined;
  const variable = head[1]!;
  const rest = message.slice(head[0].length);
  // The path is GraphQL's own (`input.rows[2].target`): names and indexes only, never a submitted value.
  const at = new RegExp(` at "${variable}((?:\\.\\w+|\\[\\d+\\])*)"; `).exec(rest);
  const reason = rest.slice(rest.lastIndexOf('; ') + 2);
  const below = at?.[1]?.replace(/^\./, '') ?? '';
  for (const [pattern, describe] of VARIABLE_REASONS) {
    const m = pattern.exec(reason);
    if (!m) continue;
    // A missing or unknown field is reported at its parent; the field is the parent's path and its name.
    const named = /^Field "[_A-Za-z]\w*"/.test(reason) ? [below, m[1]].filter(Boolean).join('.') : below;
    const field = named || (argumentOf(variable) ?? variable);
    return { variable, field, ...describe(m, field) };
  }
  const field = below || (argumentOf(variable) ?? variable);
  return { variable, field, messageId: 'badUserInput.invalid', id: `${field} tidak valid`, en: `${field} is not a valid value` };
}

/**
 * Client mistakes that Apollo Server or Apollo Gateway would answer with 500 (or with an untyped error)
 * become typed 400s here: an APQ hash that does not match its query or an unknown APQ version, variables
 * with NUL characters or absurd nesting, string literals with NUL, a document with several operations
 * and no (or an unknown) operationName, and subscriptions, which this platform does not serve.
 */
export function requestGuardsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }: GraphQLRequestContext<TContext>) {
      const persisted = (request.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
        ?.persistedQuery;
      if (persisted) {
        if (persisted.version !== 1) {
          refuseEarly(
            request,
            badRequest('Versi kueri tersimpan tidak didukung', 'Unsupported persisted query version', {
              field: 'extensions.persistedQuery.version',
            }),
          );
        } else if (
          typeof request.query === 'string' &&
          (typeof persisted.sha256Hash !== 'string' || sha256(request.query) !== persisted.sha256Hash)
        ) {
          refuseEarly(
            request,
            badRequest('Hash kueri tersimpan tidak cocok dengan kuerinya', 'The persisted query hash does not match the query', {
              field: 'extensions.persistedQuery.sha256Hash',
            }),
          );
        }
      }
      const problem = variablesProblem(request.variables);
      if (problem === 'nul') refuseEarly(request, nulInput('variables'));
      else if (problem === 'depth')
        refuseEarly(
          request,
          badInput(
            'variables',
            {
              id: `Variabel bersarang terlalu dalam (lebih dari ${MAX_VARIABLE_DEPTH} tingkat)`,
              en: `Variables are nested too deeply (more than ${MAX_VARIABLE_DEPTH} levels)`,
            },
            { http: { status: 400 } },
          ),
        );
      return {
        async didResolveOperation(ctx) {
          if (!ctx.operation) {
            throw ctx.request.operationName
              ? badRequest('Operasi dengan nama itu tidak ada dalam dokumen', 'The document has no operation of that name', {
                  field: 'operationName',
                })
              : badRequest(
                  'Dokumen berisi beberapa operasi; sebutkan operationName',
                  'The document has several operations; name one in operationName',
                  { field: 'operationName' },
                );
          }
          if (ctx.operation.operation === 'subscription') {
            throw badRequest('Langganan (subscription) tidak didukung', 'Subscriptions are not supported');
          }
          if (documentHasNul(ctx.document)) throw nulInput('query');
        },
        async willSendResponse({ response, document }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          // A variable that is an argument's whole value is named by the argument (`birthDate`, not `$b`).
          const argumentOf = variableArguments(document);
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => {
            // Only GraphQL's own messages, which formatError prefixed with the generic Indonesian one; ours never echo.
            const en = e.extensions?.messageEn;
            if (typeof en !== 'string' || !e.message.endsWith(`: ${en}`)) return e;
            const id = e.message.slice(0, -(en.length + 2));
            const mistake = describeVariableError(en, (v) => argumentOf.get(v));
            if (mistake) {
              const { id: message, en: messageEn, ...rest } = mistake;
              const fields = [{ field: rest.field, message, messageEn, messageId: rest.messageId }];
              return { ...e, message, extensions: { ...e.extensions, code: ErrorCode.BAD_USER_INPUT, ...rest, messageEn, fields } };
            }
            const redacted = redactEchoedValues(en);
            return redacted === en ? e : { ...e, message: `${id}: ${redacted}`, extensions: { ...e.extensions, messageEn: redacted } };
          });
        },
      };
    },
  };
}

/** The argument each variable is the whole value of, in the request's document (the first one, if several). */
function variableArguments(document: DocumentNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (document) {
    visit(document, {
      Argument(node) {
        if (node.value.kind === Kind.VARIABLE && !out.has(node.value.name.value)) out.set(node.value.name.value, node.name.value);
      },
    });
  }
  return out;
}
