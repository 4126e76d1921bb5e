import type { PiiVault, Role } from '@victori/shared';
import { AccountRole, type Account } from './account.type.js';

export interface AccountRow {
  id: string;
  role: AccountRole;
  phone_encrypted: string | null;
  username: string | null;
  password_hash: string | null;
  facility_id: string | null;
  display_name: string | null;
  totp_secret_encrypted: string | null;
  totp_pending_encrypted: string | null;
  totp_enabled: boolean;
  totp_last_step: string | null;
  active: boolean;
}

const TOKEN_ROLE: Record<AccountRole, Exclude<Role, 'anonymous'>> = {
  [AccountRole.CITIZEN]: 'citizen',
  [AccountRole.HEALTH_WORKER]: 'health-worker',
  [AccountRole.ADMIN]: 'admin',
  [AccountRole.PARTNER]: 'partner',
};

export const tokenRole = (role: AccountRole): Exclude<Role, 'anonymous'> => TOKEN_ROLE[role];

export const accountRole = (role: Role): AccountRole | undefined =>
  (Object.entries(TOKEN_ROLE) as [AccountRole, Role][]).find(([, r]) => r === role)?.[0];

export function toAccount(row: AccountRow, vault: PiiVault): Account {
  return {
    id: row.id,
    role: row.role,
    phone: row.phone_encrypted ? vault.decrypt(row.phone_encrypted) : undefined,
    username: row.username ?? undefined,
    facilityId: row.facility_id ?? undefined,
    displayName: row.display_name ?? undefined,
    totpEnabled: row.totp_enabled,
  };
}
