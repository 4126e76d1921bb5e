import { Env, type Orm } from '@victori/shared';
import { hashPassword } from '../modules/account/account.service.js';
import { AccountRole } from '../modules/account/account.type.js';

export const DEV_ADMIN_ID = '7a000000-0000-4000-8000-000000000001';
export const DEV_HEALTH_WORKER_ID = '7a000000-0000-4000-8000-000000000002';
export const DEV_PARTNER_ID = '7a000000-0000-4000-8000-000000000003';
/** Puskesmas Miroto (booking's facility seed). */
export const MIROTO_FACILITY_ID = '6f1c2a10-0000-4000-8000-000000000002';

/**
 * Development and test databases get a known admin and a known health worker, so that a fresh `npm start`
 * can be signed into; a production database never does (the first admin is made by the operator).
 */
export async function seedDevAccounts(orm: Orm, env = new Env()): Promise<void> {
  const mode = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  if (mode === 'production') return;
  const adminPassword = env.string('IDENTITY_DEV_ADMIN_PASSWORD', 'admin-dev-password');
  const em = orm.em.fork();
  const accounts = [
    { id: DEV_ADMIN_ID, role: AccountRole.ADMIN, username: 'admin', password: adminPassword, facility: null, name: 'Admin (development)' },
    {
      id: DEV_HEALTH_WORKER_ID,
      role: AccountRole.HEALTH_WORKER,
      username: 'nakes.miroto',
      password: 'nakes-dev-password',
      facility: MIROTO_FACILITY_ID,
      name: 'Nakes Puskesmas Miroto (development)',
    },
    // A partner agency (aggregates only, small counts suppressed), for the partners' pages.
    {
      id: DEV_PARTNER_ID,
      role: AccountRole.PARTNER,
      username: 'mitra.dev',
      password: 'mitra-dev-password',
      facility: null,
      name: 'Mitra (development)',
    },
  ];
  for (const a of accounts) {
    const [existing] = await em.execute<{ id: string }[]>(`select "id" from "account" where "id" = ?`, [a.id]);
    if (existing) continue;
    await em.execute(
      `insert into "account" ("id", "role", "username", "password_hash", "facility_id", "display_name") values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
      [a.id, a.role, a.username, await hashPassword(a.password), a.facility, a.name],
    );
  }
}
