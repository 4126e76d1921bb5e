import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingHttpHeaders } from 'node:http';

/** What the request log adds for a GraphQL request: which operation, and the error codes it answered with. */
export interface RequestOutcome {
  operation?: string;
  errorCodes?: string[];
}

// Keyed by the request's headers object: the one thing both the HTTP layer (req.headers) and Apollo's
// context (request.headers) hold, so the plugin and the log line meet without a shared mutable field.
const outcomes = new WeakMap<IncomingHttpHeaders, RequestOutcome>();

/** Fields for the request's log line (nothing for requests that did not reach GraphQL). */
export function requestOutcome(headers: IncomingHttpHeaders): RequestOutcome {
  return outcomes.get(headers) ?? {};
}

/**
 * Notes each GraphQL request's operation name (as the document names it, also for persisted queries)
 * and the distinct `extensions.code`s of its errors, for the one request log line: a refused booking
 * then reads `bookAppointment ... errors: [SESSION_FULL]` instead of a bare 200.
 */
export function requestLogPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart({ contextValue }) {
      // Our contexts carry the RequestInfo as `request` (subgraphs and the gateway alike).
      const headers = (contextValue as { request?: { headers?: IncomingHttpHeaders } }).request?.headers;
      if (!headers) return {};
      return {
        async willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          const codes = [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          outcomes.set(headers, {
            ...(operationName ? { operation: operationName } : {}),
            ...(codes.length ? { errorCodes: codes } : {}),
          });
        },
      };
    },
  };
}
