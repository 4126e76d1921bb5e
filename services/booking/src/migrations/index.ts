import { Migration20261123000000_facilities } from './Migration20261123000000_facilities.js';

export const migrations = [{ name: 'Migration20261123000000_facilities', class: Migration20261123000000_facilities }];
