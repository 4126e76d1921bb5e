import { runMain } from '@victori/shared';
import { loadEdgeConfig } from './config.js';
import { startEdge } from './edge.js';

/** The edge as its own process (`node gateway/dist/edge-main.js`): the platform's public port. */
runMain(async () => {
  const running = await startEdge(loadEdgeConfig());
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
});
