import { startSatusehatSimulator } from '@victori/immunization/simulator';
import { ConfigError, type Env } from '@victori/shared';

export interface NationalLink {
  /** Environment for the immunization process (the simulator's URL when one runs). */
  env: Record<string, string>;
  /** One line for the start banner: where deliveries go. */
  banner: string;
  close(): Promise<void>;
}

const nothing = async () => undefined;

/**
 * Where `npm start` sends dose records. In development, without SATUSEHAT_BASE_URL, it runs the
 * SATUSEHAT simulator the tests use (in this process, on SATUSEHAT_SIM_PORT, default 4099, or any
 * free port), so deliveries reach DELIVERED; the banner says so plainly. Production refuses to start
 * without a real SATUSEHAT_BASE_URL unless delivery is explicitly off (SATUSEHAT_DELIVERY=off).
 */
export async function nationalLink(env: Env): Promise<NationalLink> {
  const mode = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const delivery = env.oneOf('SATUSEHAT_DELIVERY', ['on', 'off'] as const, 'on');
  const configured = env.optional('SATUSEHAT_BASE_URL');
  if (delivery === 'off') {
    return { env: {}, banner: 'SATUSEHAT: delivery OFF (SATUSEHAT_DELIVERY=off); dose records stay queued', close: nothing };
  }
  if (configured) return { env: {}, banner: `SATUSEHAT: ${configured}`, close: nothing };
  if (mode === 'production') {
    throw new ConfigError(
      'SATUSEHAT_BASE_URL',
      'is required in production (the national record); set SATUSEHAT_DELIVERY=off to run without delivery',
    );
  }
  const port = env.int('SATUSEHAT_SIM_PORT', 4099, 0, 65535);
  const simulator = await startSatusehatSimulator(port).catch(() => startSatusehatSimulator(0));
  simulator.maxReceived = 1000;
  return {
    env: { SATUSEHAT_BASE_URL: simulator.url },
    banner: `SATUSEHAT: local SIMULATOR at ${simulator.url} (development only; nothing reaches the national record)`,
    close: () => simulator.close(),
  };
}
