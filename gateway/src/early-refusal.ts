import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';

/**
 * Refusing an operation before Apollo parses it. An error thrown from the hooks that run before parsing
 * (requestDidStart, didResolveSource) is not a request error to Apollo: it answers 500 INTERNAL_SERVER_ERROR.
 * So a refusal made there swaps the request for a trivial document (nothing of the client's is parsed or
 * validated) and is thrown from didResolveOperation, where Apollo answers it with its own HTTP status
 * (`extensions.http`), before any execution, planning or subgraph call.
 */
const refusals = new WeakMap<GraphQLRequest, GraphQLError>();
const STUB = '{ __typename }';

export function refuseEarly(request: GraphQLRequest, error: GraphQLError): void {
  if (refusals.has(request)) return;
  refusals.set(request, error);
  request.query = STUB;
  request.operationName = undefined;
  request.variables = undefined;
  request.extensions = undefined;
}

export const refusedEarly = (request: GraphQLRequest): boolean => refusals.has(request);

export function earlyRefusalPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const error = refusals.get(request);
          if (error) throw error;
        },
      };
    },
  };
}
