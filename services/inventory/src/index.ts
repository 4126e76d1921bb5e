import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { inventoryService } from './service.js';

export { inventoryService };

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startService(inventoryService, loadServiceConfig('inventory'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
