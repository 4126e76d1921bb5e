import { Migration20261123000000_people } from './Migration20261123000000_people.js';

export const migrations = [{ name: 'Migration20261123000000_people', class: Migration20261123000000_people }];
