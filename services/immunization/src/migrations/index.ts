import { Migration20261123000000_people } from './Migration20261123000000_people.js';
import { Migration20261124000000_lean_indexes } from './Migration20261124000000_lean_indexes.js';
import { Migration20261201000000_access } from './Migration20261201000000_access.js';
import { Migration20261201210000_child_registry } from './Migration20261201210000_child_registry.js';
import { Migration20261201220000_appointment_person } from './Migration20261201220000_appointment_person.js';
import { Migration20261201220000_declared_doses } from './Migration20261201220000_declared_doses.js';
import { Migration20261202010000_failed_deliveries } from './Migration20261202010000_failed_deliveries.js';
import { Migration20261202020000_health_cards } from './Migration20261202020000_health_cards.js';
import { Migration20261202020000_national_targets } from './Migration20261202020000_national_targets.js';
import { Migration20261202030000_client_record_id } from './Migration20261202030000_client_record_id.js';
import { Migration20261202040000_facility_area } from './Migration20261202040000_facility_area.js';

export const migrations = [
  { name: 'Migration20261123000000_people', class: Migration20261123000000_people },
  { name: 'Migration20261124000000_lean_indexes', class: Migration20261124000000_lean_indexes },
  { name: 'Migration20261201000000_access', class: Migration20261201000000_access },
  { name: 'Migration20261201210000_child_registry', class: Migration20261201210000_child_registry },
  { name: 'Migration20261201220000_appointment_person', class: Migration20261201220000_appointment_person },
  { name: 'Migration20261201220000_declared_doses', class: Migration20261201220000_declared_doses },
  { name: 'Migration20261202010000_failed_deliveries', class: Migration20261202010000_failed_deliveries },
  { name: 'Migration20261202020000_health_cards', class: Migration20261202020000_health_cards },
  { name: 'Migration20261202020000_national_targets', class: Migration20261202020000_national_targets },
  { name: 'Migration20261202030000_client_record_id', class: Migration20261202030000_client_record_id },
  { name: 'Migration20261202040000_facility_area', class: Migration20261202040000_facility_area },
];
