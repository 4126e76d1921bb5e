import { buildFederatedSchema } from '@victori/shared';
import { IdentityResolver } from './modules/account/identity.resolver.js';

export function buildIdentitySchema() {
  return buildFederatedSchema({ resolvers: [IdentityResolver] });
}
