import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { immunizationService } from './service.js';

export { immunizationService };

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startService(immunizationService, loadServiceConfig('immunization'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
