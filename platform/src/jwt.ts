/** Issuer and audience of local tokens (the gateway's defaults); a module of its own so `npm run token` loads nothing else. */
export const JWT_ISSUER = 'victori';
export const JWT_AUDIENCE = 'victori-api';
