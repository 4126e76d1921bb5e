import {
  CommandError,
  ConfigError,
  Env,
  loadServiceConfig,
  migrateBus,
  migrateService,
  runServiceCommand,
  SERVICES,
  type ServiceName,
} from '@victori/shared';
import { connectLocal } from './connect.js';
import { SERVICE_DEFINITIONS } from './services.js';

/** `npm run import -- <what> <file>`: which service imports what. */
const IMPORTS: Record<string, { service: ServiceName; command: string }> = {
  doses: { service: 'immunization', command: 'import-doses' },
  targets: { service: 'reporting', command: 'import-targets' },
};

async function withService(service: ServiceName, fn: (config: ReturnType<typeof loadServiceConfig>) => Promise<void>): Promise<void> {
  const conn = await connectLocal();
  try {
    const env = new Env({
      ...process.env,
      [`${service.toUpperCase()}_DATABASE_URL`]: conn.urls.services[service],
      BUS_DATABASE_URL: conn.urls.bus,
      GATEWAY_SECRET: conn.gatewaySecret,
      PII_KEY: conn.piiKey,
    });
    await fn(loadServiceConfig(service, env));
  } finally {
    await conn.close();
  }
}

/**
 * `npm run import -- doses <file.csv>` / `npm run import -- targets <file.csv>`
 * `npm run replay -- <service>`: rebuilds the service's projections from the retained event log.
 * `npm run migrate`: brings the bus and every service's database to the latest schema (no seed): the
 * <SERVICE>_DATABASE_URL databases when all are set, else the local embedded cluster.
 */
async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'import') {
    const [what, ...rest] = args;
    const target = what ? IMPORTS[what] : undefined;
    if (!target || rest.length === 0) throw new CommandError(`usage: npm run import -- <${Object.keys(IMPORTS).join('|')}> <file>`);
    await withService(target.service, (config) => runServiceCommand(SERVICE_DEFINITIONS[target.service], config, target.command, rest));
    return;
  }
  if (mode === 'replay') {
    const service = args[0] as ServiceName | undefined;
    if (!service || !(SERVICES as readonly string[]).includes(service))
      throw new CommandError(`usage: npm run replay -- <${SERVICES.join('|')}>`);
    await withService(service, (config) => runServiceCommand(SERVICE_DEFINITIONS[service], config, 'replay', []));
    return;
  }
  if (mode === 'migrate') {
    const conn = await connectLocal();
    try {
      await migrateBus(conn.urls.bus);
      for (const name of SERVICES) {
        await migrateService(SERVICE_DEFINITIONS[name], conn.urls.services[name], false);
        process.stdout.write(`${name}: migrated\n`);
      }
    } finally {
      await conn.close();
    }
    return;
  }
  throw new CommandError('usage: cli import|replay|migrate ...');
}

// Whoever runs an import reads the message, never a stack trace: a wrong file or header is a CommandError
// (exit 2), a configuration problem exit 78, anything else (the database is down) exit 1.
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${error instanceof CommandError ? '' : 'failed: '}${message}\n`);
  process.exit(error instanceof CommandError ? 2 : error instanceof ConfigError ? 78 : 1);
});
