import type { ServiceDefinition } from '@victori/shared';
import { loadIdentityConfig } from './config.js';
import { createContext, type IdentityContext } from './context.js';
import { migrations } from './migrations/index.js';
import { buildIdentitySchema } from './schema.js';
import { seedDevAccounts } from './seeders/dev-accounts.seeder.js';

export const identityService: ServiceDefinition<IdentityContext> = {
  name: 'identity',
  entities: [],
  migrations,
  buildSchema: () => buildIdentitySchema(),
  createContext,
  seed: (orm) => seedDevAccounts(orm),
  // A wrong JWT_PRIVATE_KEY or IDENTITY_* setting fails at start, not on the first sign-in.
  startBackground: async (runtime) => {
    loadIdentityConfig(runtime.config.env);
  },
};
