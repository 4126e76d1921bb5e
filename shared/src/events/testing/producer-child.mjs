// A producer process that the tests kill with SIGKILL at a chosen moment.
// usage: node producer-child.mjs <serviceDbUrl> <commit-then-wait|die-in-transaction>
import { z } from 'zod';
import { defineEvent, initOrm, publish } from '../../../dist/index.js';

const [url, mode] = process.argv.slice(2);
const CounterStepped = defineEvent('test.counter-stepped', 1, z.object({ aggregate: z.string(), seq: z.number().int().positive() }));
const orm = await initOrm({ databaseUrl: url, entities: [], migrations: [], poolSize: 2 });
const forever = () => new Promise(() => setInterval(() => undefined, 1000));

if (mode === 'commit-then-wait') {
  await orm.em.fork().transactional(async (tx) => {
    await tx.execute(`insert into thing (id, label) values (1, 'committed')`);
    await publish(tx, 'test', CounterStepped, 'crash-a', { aggregate: 'crash-a', seq: 1 });
  });
  process.stdout.write('committed\n');
  await forever();
} else if (mode === 'die-in-transaction') {
  await orm.em.fork().transactional(async (tx) => {
    await tx.execute(`insert into thing (id, label) values (2, 'never')`);
    await publish(tx, 'test', CounterStepped, 'crash-b', { aggregate: 'crash-b', seq: 1 });
    process.stdout.write('in-transaction\n');
    await forever();
  });
}
