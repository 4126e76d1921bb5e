/** The slice of booking's public `sessions` query (through the gateway) this service reads. */
export interface SessionNode {
  id: string;
  date: string;
  startTime: string;
  endTime: string;
  programme: string;
  productCode: string;
  doseKinds: string[];
  /** Every product the session offers (main first) with its stock left; absent from older callers' data. */
  offers?: { productCode: string; doseKinds: string[]; stockLeft: number }[];
  capacity: number;
  remainingPlaces: number;
  facility: { id: string; name: string; stock?: { usableDoses: number; product: { code: string } }[] | null };
}

export interface SessionFilter {
  kecamatanCode?: string;
  kelurahanCode?: string;
  dateFrom?: string;
  dateTo?: string;
  programme?: string;
  productCodes?: string[];
  hasPlaces?: boolean;
}

export const SESSIONS_QUERY = `query DueAndAvailable($filter: SessionFilter, $first: Int, $after: String) {
  sessions(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id date startTime endTime programme productCode doseKinds capacity remainingPlaces
      offers { productCode doseKinds stockLeft }
      facility { id name stock { usableDoses product { code } } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export class SupergraphError extends Error {}

/** Reads every page of matching sessions anonymously (public data), bounded by maxPages. */
export async function fetchSessions(
  gatewayUrl: string,
  filter: SessionFilter,
  options: { pageSize?: number; maxPages?: number; timeoutMs?: number; requestId?: string } = {},
): Promise<SessionNode[]> {
  const nodes: SessionNode[] = [];
  let after: string | null = null;
  for (let page = 0; page < (options.maxPages ?? 5); page++) {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.requestId ? { 'x-request-id': options.requestId } : {}) },
      body: JSON.stringify({ query: SESSIONS_QUERY, variables: { filter, first: options.pageSize ?? 100, after } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const body = (await res.json()) as {
      data?: { sessions: { edges: { node: SessionNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
      errors?: { message: string }[];
    };
    if (!body.data?.sessions)
      throw new SupergraphError(`sessions query failed: ${body.errors?.map((e) => e.message).join('; ') ?? res.status}`);
    nodes.push(...body.data.sessions.edges.map((e) => e.node));
    if (!body.data.sessions.pageInfo.hasNextPage) break;
    after = body.data.sessions.pageInfo.endCursor;
  }
  return nodes;
}
