import type { ServiceDefinition } from '@victori/shared';
import { createContext, type ImmunizationContext } from './context.js';
import { migrations } from './migrations/index.js';
import { PersonEntity } from './modules/person/person.entity.js';
import { buildImmunizationSchema } from './schema.js';

export const immunizationService: ServiceDefinition<ImmunizationContext> = {
  name: 'immunization',
  entities: [PersonEntity],
  migrations,
  buildSchema: buildImmunizationSchema,
  createContext,
};
