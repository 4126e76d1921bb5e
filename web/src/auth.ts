import type { Client } from '@urql/core';

/**
 * Sign-in against the identity subgraph (docs: /work/notes/signin-contract.md). These documents are not in
 * the supergraph yet, so they are plain strings, not codegen documents; they are hashed into the persisted
 * manifest like every other operation (see scripts/postbuild.mjs).
 */
export const REQUEST_CODE = `mutation RequestSignInCode($phone: String!) {
  requestSignInCode(phone: $phone) { phone expiresAt resendAfterSeconds }
}`;
export const SIGN_IN_WITH_CODE = `mutation SignInWithCode($phone: String!, $code: String!) {
  signInWithCode(phone: $phone, code: $code) { accessToken refreshToken accessTokenExpiresAt account { id role phone displayName } }
}`;
export const REFRESH_SESSION = `mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken accessTokenExpiresAt account { id role phone displayName } }
}`;
export const SIGN_OUT = `mutation SignOut($refreshToken: String!) { signOut(refreshToken: $refreshToken) }`;
export const SIGN_IN_DOCUMENTS = { REQUEST_CODE, SIGN_IN_WITH_CODE, REFRESH_SESSION, SIGN_OUT };

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
  private timer: ReturnType<typeof setTimeout> | undefined;
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
  set(session: AuthSession | undefined, client?: Client): void {
    this.session = session;
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
    let refreshToken: string | null = null;
    try {
      refreshToken = localStorage.getItem(REFRESH_KEY);
    } catch {
      return;
    }
    if (!refreshToken) return;
    const result = await client.mutation<{ refreshSession: AuthSession }>(REFRESH_SESSION, { refreshToken }).toPromise();
    this.set(result.data?.refreshSession, client);
  }
}

export const auth = new AuthStore();
