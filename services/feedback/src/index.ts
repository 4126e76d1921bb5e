import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { feedbackService } from './service.js';

export { feedbackService };

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startService(feedbackService, loadServiceConfig('feedback'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
