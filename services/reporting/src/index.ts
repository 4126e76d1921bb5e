import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { reportingService } from './service.js';

export { reportingService };

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startService(reportingService, loadServiceConfig('reporting'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
