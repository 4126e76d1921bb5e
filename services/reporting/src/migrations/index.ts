import { Migration20261123000000_areas } from './Migration20261123000000_areas.js';

export const migrations = [{ name: 'Migration20261123000000_areas', class: Migration20261123000000_areas }];
