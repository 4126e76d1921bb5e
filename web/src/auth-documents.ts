/**
 * Sign-in documents for the identity subgraph (the agreed sign-in contract). They are not in the
 * supergraph yet, so they are plain strings, not codegen documents; they are hashed into the persisted
 * manifest like every other operation (scripts/postbuild.mjs). No side effects: the build imports this.
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
export const STAFF_SIGN_IN = `mutation StaffSignIn($username: String!, $password: String!, $totpCode: String) {
  staffSignIn(username: $username, password: $password, totpCode: $totpCode) { accessToken refreshToken accessTokenExpiresAt account { id role phone displayName } }
}`;
export const SIGN_IN_DOCUMENTS = { REQUEST_CODE, SIGN_IN_WITH_CODE, REFRESH_SESSION, SIGN_OUT, STAFF_SIGN_IN };
