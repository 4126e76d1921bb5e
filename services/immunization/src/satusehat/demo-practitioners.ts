import type { EntityManager } from '@mikro-orm/postgresql';
import { makeNik, type Orm, type PiiVault } from '@victori/shared';
import { insertPractitionerNikIfAbsent } from './satusehat.store.js';

/**
 * The living demo's health workers with an invented NIK each, as an admin would register them
 * (registerPractitionerNik): `npm run token -- --role health-worker` (health-worker-dev), the development
 * account nakes.miroto, and the demo seed. Development only; a registered NIK is kept.
 */
export const DEMO_PRACTITIONERS: { accountId: string; nik: string }[] = [
  { accountId: 'health-worker-dev', nik: makeNik('337401', '1988-03-02', 'FEMALE', 9101) },
  { accountId: '7a000000-0000-4000-8000-000000000002', nik: makeNik('337401', '1985-11-20', 'FEMALE', 9102) },
  { accountId: 'demo-seed', nik: makeNik('337401', '1983-07-14', 'MALE', 9103) },
];

export async function seedDemoPractitioners(orm: Orm, vault: PiiVault): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  for (const p of DEMO_PRACTITIONERS) {
    await insertPractitionerNikIfAbsent(em, { accountId: p.accountId, nikEncrypted: vault.encrypt(p.nik) });
  }
}
