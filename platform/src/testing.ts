import { SERVICES, type QueryCounter, type ServiceName } from '@victori/shared';
import { dropDatabase } from '@victori/shared';
import { testAdminUrl, uniquePrefix } from '@victori/shared/testing';
import { newSecrets } from './local.js';
import { prepareDatabases, startInProcess, type InProcessOptions, type InProcessPlatform } from './platform.js';

export interface TestPlatform extends InProcessPlatform {
  prefix: string;
}

/**
 * Boots gateway and all four subgraphs as real HTTP servers on free ports, each service on its own
 * fresh, migrated and seeded database. close() stops everything and drops the databases.
 */
export async function startTestPlatform(
  label: string,
  options: Omit<Partial<InProcessOptions>, 'databaseUrls' | 'secrets'> & {
    seed?: boolean;
    queryCounters?: Partial<Record<ServiceName, QueryCounter>>;
  } = {},
): Promise<TestPlatform> {
  const prefix = uniquePrefix(label);
  const admin = testAdminUrl();
  const databaseUrls = await prepareDatabases(admin, prefix, options.seed ?? true);
  const platform = await startInProcess({
    databaseUrls,
    secrets: newSecrets(),
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options,
  });
  return {
    ...platform,
    prefix,
    async close() {
      await platform.close();
      for (const name of [...SERVICES, 'bus']) await dropDatabase(admin, `${prefix}_${name}`);
    },
  };
}
