import type { Logger } from './logger.js';

/** A demo top-up that fails (a changed rule, a full session) must not stop the service from serving. */
export async function runDemo(service: string, seed: () => Promise<void>, logger: Logger): Promise<void> {
  const started = Date.now();
  try {
    await seed();
    logger.info({ ms: Date.now() - started }, `${service} demo data topped up`);
  } catch (err) {
    logger.warn({ err }, `${service} demo data could not be topped up; the service runs without it`);
  }
}
