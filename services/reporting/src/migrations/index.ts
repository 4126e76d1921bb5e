import { Migration20261123000000_areas } from './Migration20261123000000_areas.js';
import { Migration20261123000002_projections } from './Migration20261123000002_projections.js';

export const migrations = [
  { name: 'Migration20261123000000_areas', class: Migration20261123000000_areas },
  { name: 'Migration20261123000002_projections', class: Migration20261123000002_projections },
];
