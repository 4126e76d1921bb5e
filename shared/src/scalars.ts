import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * The two time scalars of the supergraph, defined once here so that every subgraph declares them
 * identically (composition merges a scalar only when its definitions agree). Both travel as strings.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isRealDate(value: string): boolean {
  if (realDates.has(value)) return true;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== value) return false;
  // Answers repeat the same few hundred dates (sessions of the coming weeks): each is checked once.
  if (realDates.size >= 10_000) realDates.clear();
  realDates.add(value);
  return true;
}

const realDates = new Set<string>();

const literal = (ast: ValueNode): unknown => (ast.kind === Kind.STRING ? ast.value : undefined);

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD (ISO 8601 / RFC 3339 full-date), in Asia/Jakarta unless a field says otherwise',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    // Rows carry dates as text (`to_char`, `::text`) or a timestamp's first ten characters.
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    if (!isRealDate(text)) throw new GraphQLError('Date cannot represent this value');
    return text;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !isRealDate(value)) throw new GraphQLError('Expected a date, YYYY-MM-DD');
    return value;
  },
  parseLiteral(ast) {
    const value = literal(ast);
    if (typeof value !== 'string' || !isRealDate(value)) throw new GraphQLError('Expected a date, YYYY-MM-DD');
    return value;
  },
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, RFC 3339 date-time with an offset (answers are in UTC: 2026-12-01T02:30:00.000Z)',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    const at = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw new GraphQLError('DateTime cannot represent this value');
    return at.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(new Date(value).getTime())) {
      throw new GraphQLError('Expected an RFC 3339 date-time with an offset');
    }
    return value;
  },
  parseLiteral(ast) {
    const value = literal(ast);
    if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(new Date(value).getTime())) {
      throw new GraphQLError('Expected an RFC 3339 date-time with an offset');
    }
    return value;
  },
});
