// A relay process that the tests kill mid-batch: it pauses between appending a batch to the bus and
// marking it published, the window where a crash matters.
// usage: node relay-child.mjs <serviceDbUrl> <busDbUrl | JetStream options as JSON>
import { createLogger, initOrm, JetStreamTransport, OutboxRelay, PgLogTransport } from '../../../dist/index.js';

const [url, spec] = process.argv.slice(2);
const orm = await initOrm({ databaseUrl: url, entities: [], migrations: [], poolSize: 2 });
const inner = spec.startsWith('{') ? await JetStreamTransport.connect(JSON.parse(spec)) : new PgLogTransport(spec);
const transport = {
  append: async (events) => {
    await inner.append(events);
    process.stdout.write(`appended ${events.length}\n`);
    await new Promise((r) => setTimeout(r, 200));
  },
  read: (...a) => inner.read(...a),
  head: () => inner.head(),
  waitForNew: (ms) => inner.waitForNew(ms),
  feed: (...a) => inner.feed(...a),
  close: () => inner.close(),
};
const relay = new OutboxRelay(orm, transport, createLogger('relay-child', 'silent'), { producer: 'test', batchSize: 50 });
process.stdout.write('relaying\n');
for (;;) {
  const moved = await relay.relayOnce();
  if (moved === 0) await new Promise((r) => setTimeout(r, 20));
}
