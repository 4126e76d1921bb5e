import { startPcareSimulator, PCARE_SIMULATOR_CREDENTIALS } from '@victori/immunization/pcare-simulator';
import { SIMULATOR_CLIENT, simulatorKfaCodes, startSatusehatSimulator } from '@victori/immunization/simulator';
import { ConfigError, readCsv, type Env } from '@victori/shared';

export interface NationalLink {
  /** Environment for the immunization process (the simulators' URLs and credentials when they run). */
  env: Record<string, string>;
  /** Lines for the start banner: where deliveries go. */
  banner: string;
  close(): Promise<void>;
}

const nothing = async () => undefined;

/**
 * Where `npm start` sends dose records. In development, without SATUSEHAT_BASE_URL, it runs the strict
 * SATUSEHAT simulator the tests use (OAuth2 client credentials, Patient and Practitioner lookup,
 * Encounter and Immunization; in this process, on SATUSEHAT_SIM_PORT, default 4099, or any free port)
 * with the demo facilities' SATUSEHAT ids registered and the simulator's stand-in KFA codes configured,
 * and likewise the BPJS PCare simulator (PCARE_SIM_PORT, default 4098) without PCARE_BASE_URL, so
 * deliveries reach DELIVERED; the banner says so plainly. Production refuses to start without a real
 * SATUSEHAT_BASE_URL unless delivery is explicitly off (SATUSEHAT_DELIVERY=off); PCare likewise.
 */
export async function nationalLink(env: Env): Promise<NationalLink> {
  const mode = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const delivery = env.oneOf('SATUSEHAT_DELIVERY', ['on', 'off'] as const, 'on');
  const pcareDelivery = env.oneOf('PCARE_DELIVERY', ['on', 'off'] as const, 'on');
  const configured = env.optional('SATUSEHAT_BASE_URL');
  const pcareConfigured = env.optional('PCARE_BASE_URL');
  if (mode === 'production' && delivery === 'on' && !configured) {
    throw new ConfigError(
      'SATUSEHAT_BASE_URL',
      'is required in production (the national record); set SATUSEHAT_DELIVERY=off to run without delivery',
    );
  }
  if (mode === 'production' && pcareDelivery === 'on' && !pcareConfigured) {
    throw new ConfigError('PCARE_BASE_URL', 'is required in production (BPJS PCare); set PCARE_DELIVERY=off to run without it');
  }
  const result: NationalLink = { env: {}, banner: '', close: nothing };
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  if (delivery === 'off') lines.push('SATUSEHAT: delivery OFF (SATUSEHAT_DELIVERY=off); dose records stay queued');
  else if (configured) lines.push(`SATUSEHAT: ${configured}`);
  else {
    const port = env.int('SATUSEHAT_SIM_PORT', 4099, 0, 65535);
    // The schema is compiled at the first delivery instead (a second), not on the way to the start banner.
    const simulator = await startSatusehatSimulator(port, false).catch(() => startSatusehatSimulator(0, false));
    simulator.maxReceived = 1000;
    for (const r of readCsv('demo-satusehat-ids.csv')) simulator.registerFacility(r.organization_id!, r.location_id!);
    Object.assign(result.env, {
      SATUSEHAT_BASE_URL: simulator.url,
      SATUSEHAT_AUTH_URL: simulator.authUrl,
      SATUSEHAT_CLIENT_ID: SIMULATOR_CLIENT.clientId,
      SATUSEHAT_CLIENT_SECRET: SIMULATOR_CLIENT.clientSecret,
      // Stand-in KFA codes the simulator knows (the catalogue's codes are unconfirmed; docs/satusehat.md).
      SATUSEHAT_KFA_CODES: simulatorKfaCodes(),
    });
    lines.push(`SATUSEHAT: local SIMULATOR at ${simulator.url} (development only; nothing reaches the national record)`);
    closers.push(() => simulator.close());
  }

  if (pcareDelivery === 'off') lines.push('BPJS PCare: delivery OFF (PCARE_DELIVERY=off); dose records stay queued');
  else if (pcareConfigured) lines.push(`BPJS PCare: ${pcareConfigured}`);
  else {
    const port = env.int('PCARE_SIM_PORT', 4098, 0, 65535);
    const simulator = await startPcareSimulator(port).catch(() => startPcareSimulator(0));
    const c = PCARE_SIMULATOR_CREDENTIALS;
    Object.assign(result.env, {
      PCARE_BASE_URL: simulator.url,
      PCARE_CONS_ID: c.consId,
      PCARE_SECRET_KEY: c.secretKey,
      PCARE_USER_KEY: c.userKey,
      PCARE_USERNAME: c.username,
      PCARE_PASSWORD: c.password,
      PCARE_APP_CODE: c.appCode,
    });
    lines.push(`BPJS PCare: local SIMULATOR at ${simulator.url} (development only)`);
    closers.push(() => simulator.close());
  }
  result.banner = lines.join('\n');
  result.close = async () => {
    for (const close of closers) await close();
  };
  return result;
}
