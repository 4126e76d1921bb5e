import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, errorBody, jakartaDate, sendJson } from '@victori/shared';

/**
 * Report exports as plain files: `GET /exports/<table>.csv` and `GET /exports/<table>.dhis2.json`, with the
 * table's arguments as query parameters (`?programme=COVID19&dose=BOOSTER_1&level=KECAMATAN`), for partners'
 * tools (spreadsheets, DHIS2 import, curl) that want a file and not a string inside GraphQL JSON.
 *
 * The edge answers them by asking the gateway the exportCsv / exportDhis2 query with the caller's own
 * bearer token, rather than calling reporting's HTTP port: the gateway verifies the token and signs the
 * claims for the subgraph, reporting's policy decides (partners and admins) and applies the caller's
 * suppression, and the read passes the same admission, cost limits and breaker as every other read. No
 * second token check, no second policy, no subgraph port on the public side.
 */
export type ExportFormat = 'csv' | 'dhis2';
export interface ExportRoute {
  table: 'COVERAGE' | 'CHILD_INDICATORS' | 'FACILITY_INDICATORS';
  format: ExportFormat;
  slug: string;
}

const TABLES: Record<string, ExportRoute['table']> = {
  coverage: 'COVERAGE',
  'child-indicators': 'CHILD_INDICATORS',
  'facility-indicators': 'FACILITY_INDICATORS',
};

/** The export a path names, or undefined when it is not under /exports/ or names no table. */
export function exportRoute(pathname: string): ExportRoute | undefined {
  const m = /^\/exports\/([a-z-]+)\.(csv|dhis2\.json)$/.exec(pathname);
  const table = m ? TABLES[m[1]!] : undefined;
  if (!m || !table) return undefined;
  return { table, format: m[2] === 'csv' ? 'csv' : 'dhis2', slug: m[1]! };
}

const STRING_ARGS = ['programme', 'dose', 'level', 'parentCode', 'asOf', 'from', 'to', 'facilityId', 'productCode'] as const;
const TYPES: Record<string, string> = {
  programme: 'String',
  dose: 'String',
  level: 'AreaLevel',
  parentCode: 'String',
  asOf: 'Date',
  cohort: 'Int',
  from: 'Date',
  to: 'Date',
  facilityId: 'ID',
  productCode: 'String',
};

interface FieldProblem {
  field: string;
  message: string;
  messageEn: string;
}

/** The query's variables from the URL; every unknown or malformed parameter at once. */
export function exportVariables(params: URLSearchParams): { variables: Record<string, string | number>; problems: FieldProblem[] } {
  const variables: Record<string, string | number> = {};
  const problems: FieldProblem[] = [];
  for (const [name, value] of params) {
    if (name === 'cohort') {
      if (!/^\d{4}$/.test(value))
        problems.push({ field: 'cohort', message: 'Kohort harus tahun lahir (YYYY)', messageEn: 'Cohort must be a birth year (YYYY)' });
      else variables.cohort = Number(value);
    } else if ((STRING_ARGS as readonly string[]).includes(name)) {
      if (name in variables) problems.push({ field: name, message: `${name} diberikan dua kali`, messageEn: `${name} is given twice` });
      else if (name === 'level') variables[name] = value.toUpperCase();
      else variables[name] = value;
    } else {
      problems.push({ field: name, message: `Parameter ${name} tidak dikenal`, messageEn: `Unknown parameter ${name}` });
    }
  }
  return { variables, problems };
}

export function exportDocument(route: ExportRoute, variables: Record<string, unknown>): string {
  const names = Object.keys(variables);
  const defs = names.map((n) => `$${n}: ${TYPES[n]}`).join(', ');
  const args = ['table: $table', ...names.map((n) => `${n}: $${n}`)].join(', ');
  const field = route.format === 'csv' ? 'exportCsv' : 'exportDhis2';
  return `query ExportFile($table: ReportTable!${defs ? `, ${defs}` : ''}) { export: ${field}(${args}) { content rows } }`;
}

/** A file name that says what is in the file: victori-coverage-covid19-booster_1-kecamatan-2026-12-02.csv */
export function exportFilename(route: ExportRoute, variables: Record<string, string | number>, today: string): string {
  const parts = ['programme', 'dose', 'cohort', 'level', 'parentCode', 'facilityId', 'productCode', 'from', 'to']
    .map((k) => variables[k])
    .filter((v) => v !== undefined && v !== '')
    .map((v) =>
      String(v)
        .toLowerCase()
        .replace(/[^a-z0-9._]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40),
    )
    .filter((v) => v !== '');
  const asOf = typeof variables.asOf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(variables.asOf) ? variables.asOf : today;
  return `victori-${[route.slug, ...parts, asOf].join('-')}.${route.format === 'csv' ? 'csv' : 'dhis2.json'}`;
}

interface GraphQLAnswer {
  data?: { export?: { content: string; rows: number } | null } | null;
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

/** What status a typed GraphQL error is as a file request. */
export function statusOf(code: unknown, authenticated: boolean): number {
  switch (code) {
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    // Trusted-documents mode lets only staff and partners send a document the apps do not hold: whoever
    // is refused that here (a citizen) is not allowed exports either.
    case ErrorCode.PERSISTED_QUERY_REQUIRED:
      return authenticated ? 403 : 401;
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.BAD_REQUEST:
    case 'GRAPHQL_VALIDATION_FAILED':
      return 400;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.OVERLOADED:
    case ErrorCode.UNAVAILABLE:
      return 503;
    default:
      return 502;
  }
}

export interface ExportDeps {
  requestId: string;
  /** POSTs a GraphQL body to the gateway with these extra headers; resolves to its status and text. */
  ask(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  /** The edge's read admission; undefined when refused. */
  admit(body: Buffer): Promise<(() => void) | undefined>;
  forwardedFor: string;
  today?: () => string;
}

/** Answers an /exports/ request; false when the path is not one (the edge goes on). */
export async function serveExportFile(req: IncomingMessage, res: ServerResponse, target: string, deps: ExportDeps): Promise<boolean> {
  const url = new URL(target, 'http://edge');
  if (!url.pathname.startsWith('/exports/')) return false;
  const route = exportRoute(url.pathname);
  const fail = (
    status: number,
    code: string,
    id: string,
    en: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => sendJson(res, status, errorBody(code, id, en, { requestId: deps.requestId, ...extra }), { 'cache-control': 'no-store', ...headers });
  if (!route) {
    fail(
      404,
      ErrorCode.NOT_FOUND,
      'Ekspor tidak ditemukan',
      'No such export (coverage, child-indicators or facility-indicators; .csv or .dhis2.json)',
    );
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    fail(405, ErrorCode.BAD_REQUEST, 'Ekspor hanya dengan GET', 'Exports are fetched with GET', {}, { allow: 'GET, HEAD' });
    return true;
  }
  const authorization = req.headers.authorization;
  if (!authorization) {
    // Exports are for partners and admins (reporting's policy): without a token there is nothing to ask.
    fail(401, ErrorCode.UNAUTHENTICATED, 'Silakan masuk terlebih dahulu', 'Authentication required', {}, { 'www-authenticate': 'Bearer' });
    return true;
  }
  const { variables, problems } = exportVariables(url.searchParams);
  if (problems.length) {
    const first = problems[0]!;
    fail(400, ErrorCode.BAD_USER_INPUT, first.message, first.messageEn, { field: first.field, fields: problems });
    return true;
  }
  const body = JSON.stringify({ query: exportDocument(route, variables), variables: { table: route.table, ...variables } });
  const release = await deps.admit(Buffer.from(body));
  if (!release) {
    fail(
      503,
      ErrorCode.OVERLOADED,
      'Layanan sedang sibuk; silakan coba lagi dalam 1 detik',
      'The service is busy; please try again in 1 second',
      {},
      {
        'retry-after': '1',
      },
    );
    return true;
  }
  let answer: { status: number; text: string };
  try {
    const headers: Record<string, string> = { authorization, 'x-forwarded-for': deps.forwardedFor };
    const lang = req.headers['accept-language'];
    if (typeof lang === 'string') headers['accept-language'] = lang;
    answer = await deps.ask(body, headers);
  } catch {
    fail(
      503,
      ErrorCode.UNAVAILABLE,
      'Layanan sedang tidak tersedia; silakan coba lagi sebentar lagi',
      'The service is unavailable; please try again shortly',
      {},
      {
        'retry-after': '1',
      },
    );
    return true;
  } finally {
    release();
  }
  let json: GraphQLAnswer;
  try {
    json = JSON.parse(answer.text) as GraphQLAnswer;
  } catch {
    fail(502, ErrorCode.UNAVAILABLE, 'Jawaban layanan tidak terbaca', 'The service gave an unreadable answer');
    return true;
  }
  const error = json.errors?.[0];
  const file = json.data?.export;
  if (error || !file) {
    const status = statusOf(error?.extensions?.code, true);
    // The gateway's own typed error, unchanged, so a client reads the same codes and fields as over GraphQL.
    sendJson(
      res,
      status,
      { errors: json.errors ?? [] },
      { 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
    );
    return true;
  }
  // The date on the file is the date a user in Semarang sees (WIB): by UTC it was yesterday's from 00:00 to 07:00 WIB.
  const filename = exportFilename(route, variables, (deps.today ?? (() => jakartaDate(new Date())))());
  const payload = Buffer.from(file.content, 'utf8');
  res.writeHead(200, {
    'content-type': route.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'content-length': payload.length,
    // The numbers are the caller's view (suppression by role): never shared by a cache.
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    'x-export-rows': String(file.rows),
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
  return true;
}
