import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { bookingService } from './service.js';

export { bookingService };

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const running = await startService(bookingService, loadServiceConfig('booking'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
