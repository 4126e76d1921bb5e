import type { Client } from '@urql/core';

import { REFRESH_SESSION } from './auth-documents.js';
export * from './auth-documents.js';

// The signed-in session: sign-in against the identity subgraph (documents in auth-documents.ts).

export interface AuthSession {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  account: { id: string; role: string; phone: string | null; displayName: string | null };
}

const REFRESH_KEY = 'victori.refresh';
type Listener = (session: AuthSession | undefined) => void;

/** The access token lives in memory only; the refresh token in localStorage, rotated on every use. */
class AuthStore {
  private session: AuthSession | undefined;
  // Tabs share one session: a refresh token used twice counts as reuse and revokes the whole family, so
  // one tab refreshes (under a lock) and tells the others the new session.
  private readonly channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('victori-auth');
  private client: Client | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 1_000;
  private readonly listeners = new Set<Listener>();

  get current(): AuthSession | undefined {
    return this.session;
  }
  token(): string | undefined {
    return this.session?.accessToken;
  }
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  constructor() {
    this.channel?.addEventListener('message', (e: MessageEvent<AuthSession | null>) => this.set(e.data ?? undefined, this.client, false));
  }
  set(session: AuthSession | undefined, client?: Client, tell = true): void {
    this.session = session;
    if (client) this.client = client;
    if (tell) this.channel?.postMessage(session ?? null);
    clearTimeout(this.timer);
    try {
      if (session) localStorage.setItem(REFRESH_KEY, session.refreshToken);
      else localStorage.removeItem(REFRESH_KEY);
    } catch {
      // Without storage the session ends with the page.
    }
    if (session && client) {
      // Refresh a minute before the 15-minute token runs out.
      const ms = Math.max(10_000, Date.parse(session.accessTokenExpiresAt) - Date.now() - 60_000);
      this.timer = setTimeout(() => void this.refresh(client), ms);
    }
    for (const l of this.listeners) l(session);
  }
  async refresh(client: Client): Promise<void> {
    this.client = client;
    const run = async (): Promise<void> => {
      let refreshToken: string | null = null;
      try {
        refreshToken = localStorage.getItem(REFRESH_KEY);
      } catch {
        return;
      }
      if (!refreshToken) return;
      // Another tab refreshed while this one waited for the lock: its session arrived by message.
      if (
        this.session &&
        this.session.refreshToken === refreshToken &&
        Date.parse(this.session.accessTokenExpiresAt) - Date.now() > 120_000
      )
        return;
      const result = await client.mutation<{ refreshSession: AuthSession }>(REFRESH_SESSION, { refreshToken }).toPromise();
      const session = result.data?.refreshSession;
      if (session) {
        this.retryMs = 1_000;
        this.set(session, client);
        return;
      }
      // Only the identity service's own verdict ends the session: UNAUTHENTICATED (unknown, expired or
      // reused token); the pages then offer sign-in again. No network (a posyandu, a reload offline), an
      // overloaded edge (OVERLOADED, 429/503) or a service down (UNAVAILABLE) is not a sign-out: the
      // token stays and the refresh is tried again with a growing pause (1 s, 2 s, ... 30 s).
      const ended = result.error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') ?? false;
      if (ended) {
        this.set(undefined, client);
        return;
      }
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(client), this.retryMs);
      this.retryMs = Math.min(30_000, this.retryMs * 2);
    };
    if (typeof navigator !== 'undefined' && navigator.locks) await navigator.locks.request('victori-refresh', run);
    else await run();
  }
}

export const auth = new AuthStore();
