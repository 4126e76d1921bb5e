import { Migration20261123000000_facilities } from './Migration20261123000000_facilities.js';
import { Migration20261123000100_booking } from './Migration20261123000100_booking.js';
import { Migration20261201000000_dependants } from './Migration20261201000000_dependants.js';
import { Migration20261201230000_multi_antigen } from './Migration20261201230000_multi_antigen.js';
import { Migration20261201231000_registry_mother } from './Migration20261201231000_registry_mother.js';
import { Migration20261201232000_school_grade } from './Migration20261201232000_school_grade.js';
import { Migration20261202010000_satusehat_ids } from './Migration20261202010000_satusehat_ids.js';

export const migrations = [
  { name: 'Migration20261123000000_facilities', class: Migration20261123000000_facilities },
  { name: 'Migration20261123000100_booking', class: Migration20261123000100_booking },
  { name: 'Migration20261201000000_dependants', class: Migration20261201000000_dependants },
  { name: 'Migration20261201230000_multi_antigen', class: Migration20261201230000_multi_antigen },
  { name: 'Migration20261201231000_registry_mother', class: Migration20261201231000_registry_mother },
  { name: 'Migration20261201232000_school_grade', class: Migration20261201232000_school_grade },
  { name: 'Migration20261202010000_satusehat_ids', class: Migration20261202010000_satusehat_ids },
];
