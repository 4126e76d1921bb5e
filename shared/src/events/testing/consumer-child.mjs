// A consumer process that the tests kill with SIGKILL: it pauses between committing a batch in its
// database and acknowledging it to the transport, the window where a crash matters.
// usage: node consumer-child.mjs <serviceDbUrl> <busDbUrl | JetStream options as JSON>
import { createLogger, EventConsumer, initOrm, JetStreamTransport, on, PgLogTransport } from '../../../dist/index.js';
import { applyStep, CounterStepped } from '../../../dist/events/testing/harness.js';

const [url, spec] = process.argv.slice(2);
const orm = await initOrm({ databaseUrl: url, entities: [], migrations: [], poolSize: 2 });
const inner = spec.startsWith('{') ? await JetStreamTransport.connect(JSON.parse(spec)) : new PgLogTransport(spec);
const transport = {
  append: (events) => inner.append(events),
  read: (...a) => inner.read(...a),
  head: () => inner.head(),
  waitForNew: (ms) => inner.waitForNew(ms),
  feed: (...a) => {
    const feed = inner.feed(...a);
    return {
      exclusive: feed.exclusive,
      resume: (...b) => feed.resume(...b),
      next: (...b) => feed.next(...b),
      committed: async () => {
        process.stdout.write('db-committed\n');
        await new Promise((r) => setTimeout(r, 200));
        await feed.committed();
      },
      waitForNew: (ms) => feed.waitForNew(ms),
      interrupt: () => feed.interrupt(),
      pause: () => feed.pause(),
    };
  },
  close: () => inner.close(),
};
const consumer = new EventConsumer(
  orm,
  transport,
  createLogger('consumer-child', 'silent'),
  { name: 'test.counter', handlers: [on(CounterStepped, (tx, e) => applyStep(tx, e.payload.aggregate, e.payload.seq, e.id))] },
  { batchSize: 50, idleMs: 20 },
);
consumer.start();
process.stdout.write('consuming\n');
