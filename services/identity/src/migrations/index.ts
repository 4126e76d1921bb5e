import { Migration20261201000000_identity } from './Migration20261201000000_identity.js';

export const migrations = [{ name: 'Migration20261201000000_identity', class: Migration20261201000000_identity }];
