import { runMain } from '@victori/shared';
import { loadGatewayConfig } from './config.js';
import { DEFAULT_SUPERGRAPH, startGateway } from './gateway.js';

export * from './config.js';
export * from './gateway.js';
export * from './keys.js';
export * from './edge.js';

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startGateway(loadGatewayConfig(undefined, { supergraphFile: DEFAULT_SUPERGRAPH }));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
export * from './cost-limits.js';
export * from './trusted-documents.js';
