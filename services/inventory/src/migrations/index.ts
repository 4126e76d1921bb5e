import { Migration20261123000000_catalogue } from './Migration20261123000000_catalogue.js';

export const migrations = [{ name: 'Migration20261123000000_catalogue', class: Migration20261123000000_catalogue }];
