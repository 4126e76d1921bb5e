import { createRequire } from 'node:module';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { AppError, ErrorCode } from '@victori/shared';
import {
  getNullableType,
  GraphQLError,
  isListType,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ComplexityEstimator, getComplexity as GetComplexity } from 'graphql-query-complexity';
import { refuseEarly, refusedEarly } from './early-refusal.js';

// Its ES module build imports graphql/index.mjs, a second graphql instance beside the CommonJS one that
// Apollo Gateway builds the schema with ("Cannot use GraphQLObjectType from another module"); its
// CommonJS build shares our instance.
const { getComplexity } = createRequire(import.meta.url)('graphql-query-complexity') as { getComplexity: typeof GetComplexity };

/** Cost limits of one operation, checked before it is validated, planned or sent to any subgraph. */
export interface CostLimits {
  /** Deepest field nesting (fragments count as their fields). */
  maxDepth: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Fields at the root of the operation. */
  maxRootFields: number;
  /** Lexical tokens of the document. */
  maxTokens: number;
  /** Estimated cost: every field 1, a list field's selection times its `first`/`limit` or the default list size. */
  maxCost: number;
  /** What a list without `first`/`limit` is assumed to hold. */
  defaultListSize: number;
  /** Serialized response bytes; a larger answer is replaced by a refusal. */
  maxResponseBytes: number;
}

export const DEFAULT_COST_LIMITS: CostLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 20,
  maxTokens: 5000,
  maxCost: 100_000,
  defaultListSize: 20,
  maxResponseBytes: 5_000_000,
};

export type CostLimit = 'depth' | 'aliases' | 'rootFields' | 'tokens' | 'cost' | 'responseBytes';

const WHAT: Record<CostLimit, { id: string; en: string }> = {
  depth: { id: 'kedalaman kueri', en: 'query depth' },
  aliases: { id: 'jumlah alias', en: 'number of aliases' },
  rootFields: { id: 'jumlah field akar', en: 'number of root fields' },
  tokens: { id: 'jumlah token', en: 'number of tokens' },
  cost: { id: 'biaya kueri', en: 'query cost' },
  responseBytes: { id: 'ukuran jawaban', en: 'response size' },
};

/** QUERY_TOO_COMPLEX, HTTP 400, naming the limit, its value and what the operation came to. */
export function queryTooComplex(limit: CostLimit, max: number, actual: number): AppError {
  const what = WHAT[limit];
  return new AppError(
    ErrorCode.QUERY_TOO_COMPLEX,
    {
      id: `Kueri terlalu rumit: ${what.id} ${actual} melebihi batas ${max}`,
      en: `Query too complex: ${what.en} ${actual} exceeds the limit of ${max}`,
    },
    { limit, max, actual, http: { status: 400 } },
  );
}

export interface DocumentShape {
  depth: number;
  aliases: number;
  rootFields: number;
}

/**
 * Depth, aliases and root fields of a parsed document, over all its operations (the one that runs is
 * not known until validation). Fragments are measured once each; a fragment cycle (which validation
 * refuses later) counts as depth 0 instead of recursing.
 */
export function measureDocument(document: DocumentNode): DocumentShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  let aliases = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const depthOf = new Map<string, number>();
  const visiting = new Set<string>();
  const countedAliases = new Set<SelectionSetNode>();

  const depth = (set: SelectionSetNode): number => {
    const countAliases = !countedAliases.has(set);
    countedAliases.add(set);
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (countAliases && selection.alias) aliases++;
        deepest = Math.max(deepest, 1 + (selection.selectionSet ? depth(selection.selectionSet) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, fragmentDepth(selection.name.value));
      }
    }
    return deepest;
  };
  const fragmentDepth = (name: string): number => {
    const known = depthOf.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const d = depth(fragment.selectionSet);
    visiting.delete(name);
    depthOf.set(name, d);
    return d;
  };
  const rootFields = (set: SelectionSetNode, seen: Set<string>): number => {
    let n = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) n++;
      else if (selection.kind === Kind.INLINE_FRAGMENT) n += rootFields(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) n += rootFields(fragment.selectionSet, seen);
      }
    }
    return n;
  };

  let deepest = 0;
  let widest = 0;
  for (const operation of operations) {
    deepest = Math.max(deepest, depth(operation.selectionSet));
    widest = Math.max(widest, rootFields(operation.selectionSet, new Set()));
  }
  // Fragments no operation spreads still cost validation time: their aliases count too.
  for (const fragment of fragments.values()) depth(fragment.selectionSet);
  return { depth: deepest, aliases, rootFields: widest };
}

const sizeArgument = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;

/**
 * Every field costs 1. A list field's selection counts `first`/`limit` times, or the default list size
 * when it takes neither. A connection (a field with `first` that returns an object) multiplies its
 * selection by `first`, and the lists inside it (`edges`, `nodes`) count once, as they are that page.
 */
export function listSizeEstimator(defaultListSize: number): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const size = sizeArgument(args.first) ?? sizeArgument(args.limit);
    if (isListType(getNullableType(field.type))) {
      const insideConnection = type.name.endsWith('Connection');
      return 1 + childComplexity * (size ?? (insideConnection ? 1 : defaultListSize));
    }
    return 1 + childComplexity * (size ?? 1);
  };
}

/** How many tokens a document has, counted up to `cap` (a lexical error ends the count). */
export function countTokens(source: string, cap: number): number {
  const lexer = new Lexer(new Source(source));
  let n = 0;
  try {
    while (n < cap && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    // The count so far is enough to report; the document is refused either way.
  }
  return n;
}

interface ParsedDocument {
  document: DocumentNode;
  shape: DocumentShape;
  /** Cost per operation name, kept only when no variable can change it (costIgnoresVariables). */
  costs?: Map<string, number>;
}

/**
 * Whether the cost is the same whatever the variables: only an Int (a `first`/`limit`) or a Boolean
 * (`@skip`/`@include`) variable can change it; an input object cannot hold the page size of a field.
 */
export function costIgnoresVariables(document: DocumentNode): boolean {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      let type = variable.type;
      while (type.kind !== Kind.NAMED_TYPE) type = type.type;
      if (type.name.value === 'Int' || type.name.value === 'Boolean' || type.name.value === 'Float') return false;
    }
  }
  return true;
}

/**
 * The documents last measured, by their text: the same few operations make up nearly all traffic, so
 * each is parsed and measured once (its cost still per request: it depends on the variables).
 */
export class ParsedDocuments {
  private readonly entries = new Map<string, ParsedDocument>();
  constructor(private readonly max = 1000) {}
  get(source: string): ParsedDocument | undefined {
    return this.entries.get(source);
  }
  set(source: string, value: ParsedDocument): void {
    // Only documents short enough to be an app's own operation are kept; the oldest entry leaves first.
    if (source.length > 10_000) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(source, value);
  }
}

/**
 * Throws QUERY_TOO_COMPLEX when the operation breaks a limit. A document that does not parse, or whose
 * cost cannot be estimated (unknown operation name, invalid variables), is left to Apollo's own parse
 * and validation, which refuse it with their typed errors.
 */
export function checkCostLimits(
  schema: GraphQLSchema,
  source: string,
  request: { variables?: Record<string, unknown>; operationName?: string },
  limits: CostLimits,
  known?: ParsedDocuments,
): void {
  let parsed = known?.get(source);
  if (!parsed) {
    try {
      const document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
      parsed = { document, shape: measureDocument(document), costs: new Map() };
    } catch (error) {
      if (error instanceof GraphQLError && /more tha[nt] \d+ tokens/.test(error.message)) {
        // Counted only a little past the limit: counting all of a 1 MB document would cost more than refusing it.
        throw queryTooComplex('tokens', limits.maxTokens, countTokens(source, limits.maxTokens * 2));
      }
      return;
    }
    known?.set(source, parsed);
  }
  const { document, shape } = parsed;
  if (shape.depth > limits.maxDepth) throw queryTooComplex('depth', limits.maxDepth, shape.depth);
  if (shape.aliases > limits.maxAliases) throw queryTooComplex('aliases', limits.maxAliases, shape.aliases);
  if (shape.rootFields > limits.maxRootFields) throw queryTooComplex('rootFields', limits.maxRootFields, shape.rootFields);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  // Without an operation name a document with several operations is refused by Apollo before execution.
  const names = request.operationName ? [request.operationName] : operations.length === 1 ? [undefined] : [];
  for (const operationName of names) {
    const fixed = parsed.costs && costIgnoresVariables(document) ? parsed.costs : undefined;
    let cost = fixed?.get(operationName ?? '');
    if (cost === undefined) {
      try {
        cost = getComplexity({
          schema,
          query: document,
          variables: request.variables ?? {},
          operationName,
          estimators: [listSizeEstimator(limits.defaultListSize)],
        });
      } catch {
        return;
      }
      fixed?.set(operationName ?? '', cost);
    }
    if (cost > limits.maxCost) throw queryTooComplex('cost', limits.maxCost, Math.round(cost));
  }
}

/**
 * The response-size cap: answers are serialized once here; one over the cap becomes a refusal, and the
 * string of one within it is handed to Apollo's `stringifyResult` so it is not serialized twice.
 */
export class ResponseSizeCap {
  private readonly serialized = new WeakMap<object, { errors: unknown; extensions: unknown; json: string }>();
  constructor(private readonly maxBytes: number) {}

  check(result: {
    data?: Record<string, unknown> | null;
    errors?: readonly unknown[];
    extensions?: Record<string, unknown>;
  }): AppError | undefined {
    if (!result.data) return undefined;
    const json = JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions });
    // A string's length is at most its UTF-8 byte length; count bytes only near the cap.
    if (json.length * 3 > this.maxBytes) {
      const bytes = Buffer.byteLength(json);
      if (bytes > this.maxBytes) return queryTooComplex('responseBytes', this.maxBytes, bytes);
    }
    this.serialized.set(result.data, { errors: result.errors, extensions: result.extensions, json });
    return undefined;
  }

  stringify = (value: { data?: unknown; errors?: unknown; extensions?: unknown }): string => {
    const data = value.data;
    const cached = data && typeof data === 'object' ? this.serialized.get(data) : undefined;
    if (cached && cached.errors === value.errors && cached.extensions === value.extensions) return cached.json;
    return JSON.stringify(value);
  };
}

/**
 * The limits as an Apollo plugin. A document sent in full is checked as the request starts, before Apollo
 * parses and validates it (validation alone is quadratic in some documents; the gateway plans and calls
 * subgraphs only after it). One sent by hash alone is checked once Apollo has found its text: it was
 * registered, so it has passed through here in full already, or it is one of the trusted documents.
 */
export function costLimitsPlugin<TContext extends BaseContext>(limits: CostLimits, cap?: ResponseSizeCap): ApolloServerPlugin<TContext> {
  const known = new ParsedDocuments();
  return {
    async requestDidStart(start: GraphQLRequestContext<TContext>) {
      const { request } = start;
      const checkedEarly = typeof request.query === 'string' && !refusedEarly(request);
      if (checkedEarly) {
        try {
          checkCostLimits(start.schema, request.query!, request, limits, known);
        } catch (error) {
          refuseEarly(request, error as GraphQLError);
        }
      }
      return {
        async didResolveOperation(ctx) {
          if (!checkedEarly && !refusedEarly(ctx.request)) checkCostLimits(ctx.schema, ctx.source ?? '', ctx.request, limits, known);
        },
        async willSendResponse(ctx) {
          if (!cap || ctx.response.body.kind !== 'single') return;
          const refusal = cap.check(ctx.response.body.singleResult);
          if (!refusal) return;
          // Apollo drops extensions.http from errors it formats; this one is written out by hand.
          const extensions = { ...refusal.extensions };
          delete extensions.http;
          ctx.response.body.singleResult = { errors: [{ message: refusal.message, extensions }] };
          ctx.response.http.status = 400;
        },
      };
    },
  };
}
