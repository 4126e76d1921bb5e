import { Migration20261123000000_catalogue } from './Migration20261123000000_catalogue.js';
import { Migration20261123000010_stock } from './Migration20261123000010_stock.js';
import { Migration20261201000000_history_lots } from './Migration20261201000000_history_lots.js';

export const migrations = [
  { name: 'Migration20261123000000_catalogue', class: Migration20261123000000_catalogue },
  { name: 'Migration20261123000010_stock', class: Migration20261123000010_stock },
  { name: 'Migration20261201000000_history_lots', class: Migration20261201000000_history_lots },
];
