// A consumer process that the tests kill with SIGKILL: it pauses between committing a batch in its
// database and acknowledging it to the transport, the window where a crash matters.
// With `batch` it applies with a batch handler and also pauses inside each batch's transaction
// (after the batch's effects, before its commit), printing `mid-batch`.
// usage: node consumer-child.mjs <serviceDbUrl> <busDbUrl | JetStream options as JSON> [batch]
import { createLogger, EventConsumer, initOrm, JetStreamTransport, on, onBatch, PgLogTransport } from '../../../dist/index.js';
import { applyStep, applySteps, CounterStepped } from '../../../dist/events/testing/harness.js';

const [url, spec, mode] = process.argv.slice(2);
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
  {
    name: 'test.counter',
    handlers: [
      mode === 'batch'
        ? onBatch(CounterStepped, async (tx, events) => {
            await applySteps(
              tx,
              events.map((e) => ({ aggregate: e.payload.aggregate, seq: e.payload.seq, eventId: e.id })),
            );
            if (events.length > 1) {
              process.stdout.write('mid-batch\n');
              await new Promise((r) => setTimeout(r, 200));
            }
          })
        : on(CounterStepped, (tx, e) => applyStep(tx, e.payload.aggregate, e.payload.seq, e.id)),
    ],
  },
  { batchSize: mode === 'batch' ? 200 : 50, idleMs: 20 },
);
consumer.start();
process.stdout.write('consuming\n');
