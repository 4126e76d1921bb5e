import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse, print } from 'graphql';
import type { Pool } from 'undici';
import { ErrorCode, errorBody, HEADER_REQUEST_ID, sendJson } from '@victori/shared';
import { certificatePdf, type CardForPdf } from './certificate-pdf.js';

/**
 * The certificate routes of the edge (issue 20), answered from the supergraph:
 *   GET /.well-known/jwks.json        the issuer keys (SMART Health Cards; public, CORS)
 *   GET /.well-known/crl/<kid>.json   a key's revocation list with its version counter `ctr`
 *   GET /certificates/<id>.pdf        a card as a bilingual PDF with its QR (the caller's own token)
 * The documents are the web app's own operations (web/src/certs/operations.ts, HealthCardIssuer and
 * HealthCardPdf), so that a gateway that accepts trusted documents only accepts them too.
 */

export const ISSUER_DOCUMENT = `query HealthCardIssuer { healthCardIssuer { issuer keys { kid kty crv x y alg use exp crlVersion } revocationLists { kid method ctr rids } } }`;
export const CARD_DOCUMENT = `query HealthCardPdf($id: ID!) { healthCard(id: $id) { id kind status issuedAt issuer qr holderName holderBirthDate doses { vaccine manufacturer lotNumber date doseNumber totalDoses centre country nextDose declared } } }`;

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}
interface Issuer {
  healthCardIssuer: {
    issuer: string;
    keys: { kid: string; exp: number | null; crlVersion: number; [k: string]: unknown }[];
    revocationLists: { kid: string; method: string; ctr: number; rids: string[] }[];
  };
}

const STATUS_OF: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
};

const PUBLIC = { 'access-control-allow-origin': '*', 'cache-control': 'no-cache' };

export type Admit = () => Promise<(() => void) | undefined>;

export function certificateRoutes(pool: Pool, graphqlPath: string, timeoutMs: number) {
  // Sent as printed (the text urql hashes into web/dist/persisted-documents.json), so the hashes match.
  const printed = new Map([ISSUER_DOCUMENT, CARD_DOCUMENT].map((doc) => [doc, print(parse(doc))]));
  const ask = async <T>(req: IncomingMessage, document: string, variables: Record<string, unknown>): Promise<Answer<T>> => {
    const query = printed.get(document)!;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'apollo-require-preflight': 'true' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const requestId = req.headers[HEADER_REQUEST_ID];
    if (typeof requestId === 'string') headers[HEADER_REQUEST_ID] = requestId;
    const res = await pool.request({
      path: graphqlPath,
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return (await res.body.json()) as Answer<T>;
  };

  const refuse = (res: ServerResponse, answer: Answer<unknown>): void => {
    const error = answer.errors?.[0];
    const code = error?.extensions?.code ?? ErrorCode.UNAVAILABLE;
    const status = STATUS_OF[code] ?? 503;
    const body = answer as { errors: unknown[] };
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ errors: body.errors ?? [] }));
  };

  /** True when the path is one of these routes (answered here); false to let the edge go on. */
  return async (req: IncomingMessage, res: ServerResponse, pathname: string, admit: Admit): Promise<boolean> => {
    const crl = /^\/\.well-known\/crl\/([A-Za-z0-9_-]{1,64})\.json$/.exec(pathname);
    const pdf = /^\/certificates\/([0-9a-fA-F-]{36})\.pdf$/.exec(pathname);
    if (pathname !== '/.well-known/jwks.json' && !crl && !pdf) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, errorBody(ErrorCode.BAD_REQUEST, 'Hanya GET', 'GET only'), { allow: 'GET, HEAD' });
      return true;
    }
    const release = await admit();
    if (!release) {
      sendJson(res, 503, errorBody(ErrorCode.OVERLOADED, 'Layanan sedang sibuk', 'The service is busy'), { 'retry-after': '1' });
      return true;
    }
    try {
      if (pdf) {
        const answer = await ask<{ healthCard: CardForPdf }>(req, CARD_DOCUMENT, { id: pdf[1] });
        if (!answer.data?.healthCard) {
          refuse(res, answer);
          return true;
        }
        const bytes = await certificatePdf(answer.data.healthCard);
        res.writeHead(200, {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="sertifikat-imunisasi-${answer.data.healthCard.id}.pdf"`,
          'content-length': bytes.length,
          // Personal data: never kept by a shared cache.
          'cache-control': 'private, no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : Buffer.from(bytes));
        return true;
      }
      const answer = await ask<Issuer>(req, ISSUER_DOCUMENT, {});
      const issuer = answer.data?.healthCardIssuer;
      if (!issuer) {
        refuse(res, answer);
        return true;
      }
      if (crl) {
        const list = issuer.revocationLists.find((l) => l.kid === crl[1]);
        if (!list) sendJson(res, 404, errorBody(ErrorCode.NOT_FOUND, 'Kunci tidak dikenal', 'Unknown key'), PUBLIC);
        else sendJson(res, 200, list, PUBLIC);
        return true;
      }
      sendJson(
        res,
        200,
        { keys: issuer.keys.map(({ exp, ...key }) => (exp === null ? key : { ...key, exp })) },
        { ...PUBLIC, 'cache-control': 'public, max-age=300' },
      );
      return true;
    } catch {
      if (!res.headersSent)
        sendJson(res, 503, errorBody(ErrorCode.UNAVAILABLE, 'Layanan sedang tidak tersedia', 'The service is unavailable'));
      return true;
    } finally {
      release();
    }
  };
}
