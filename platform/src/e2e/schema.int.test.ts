import { SERVICES, initOrm } from '@victori/shared';
import { freshDatabase } from '@victori/shared/testing';
import { composeSupergraph, staleFiles } from '../compose.js';
import { SERVICE_DEFINITIONS } from '../services.js';

describe('the schema is a committed, composed contract', () => {
  test('every checked-in schema.graphql and supergraph.graphql is current and composes', async () => {
    const composed = await composeSupergraph();
    expect(staleFiles(composed)).toEqual([]);
  });
});

describe.each(SERVICES)('%s migrations', (name) => {
  test('build exactly the schema its entities describe', async () => {
    const db = await freshDatabase(`mig${name}`);
    const def = SERVICE_DEFINITIONS[name];
    const orm = await initOrm({ databaseUrl: db.url, entities: def.entities, migrations: def.migrations, poolSize: 2 });
    try {
      await orm.migrator.up();
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: true });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});
