import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hash, verify } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as verifyOtp } from 'otplib';
import {
  AppError,
  ErrorCode,
  conflict,
  decodeCursor,
  FieldErrors,
  forbidden,
  notFound,
  pageSize,
  toConnection,
  type Claims,
  type Connection,
  isUuid,
} from '@victori/shared';
import { identityPolicy } from '../../policy.js';
import type { IdentitySettings } from '../../context.js';
import { invalidCredentials, tooManyPasswordTries, totpRequired, wrongTotp } from '../../errors.js';
import { issueSession } from '../session/session.issue.js';
import { revokeAccountTokens } from '../session/session.store.js';
import { accountRole, toAccount, type AccountRow } from './account.rows.js';
import {
  accountById,
  confirmPendingTotp,
  facilityHealthWorkers,
  insertStaff,
  setPendingTotp,
  countStaffAccounts,
  staffAccountRows,
  staffByUsername,
  updateStaff,
  useTotpStep,
} from './account.store.js';
import {
  AccountRole,
  type Account,
  type AuthSession,
  type CreateStaffAccountInput,
  type TotpEnrolment,
  type UpdateStaffAccountInput,
  type Vaccinator,
} from './account.type.js';

/** argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): about 30 ms here, so sign-in stays cheap under load. */
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

// Compared against when the username is unknown, so that a wrong username takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** ±1 time step (30 s) for clock drift between the phone and the server. */
const TOTP_TOLERANCE = 30;

async function checkTotp(secret: string, token: string, afterTimeStep?: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(token.trim())) return undefined;
  const result = await verifyOtp({
    secret,
    token: token.trim(),
    epochTolerance: TOTP_TOLERANCE,
    ...(afterTimeStep !== undefined ? { afterTimeStep } : {}),
  });
  return result.valid ? ((result as { timeStep?: number }).timeStep ?? 0) : undefined;
}

export async function staffSignIn(
  em: EntityManager,
  settings: IdentitySettings,
  username: string,
  password: string,
  totpCode: string | undefined,
): Promise<AuthSession> {
  identityPolicy.signIn();
  const name = username.trim().toLowerCase();
  const wait = await settings.limits.passwordPerUsername.take(name);
  if (wait > 0) throw tooManyPasswordTries(wait);
  const row = await staffByUsername(em, name);
  if (!row) {
    dummyHash ??= hashPassword(randomUUID());
    await verify(await dummyHash, password).catch(() => false);
    throw invalidCredentials();
  }
  if (!(await verify(row.password_hash!, password).catch(() => false)) || !row.active) throw invalidCredentials();
  if (row.totp_enabled && row.totp_secret_encrypted) {
    if (!totpCode?.trim()) throw totpRequired();
    const last = row.totp_last_step === null ? undefined : Number(row.totp_last_step);
    const step = await checkTotp(settings.vault.decrypt(row.totp_secret_encrypted), totpCode, last);
    if (step === undefined) throw wrongTotp();
    // A code seen once is not accepted again (someone looking over the shoulder).
    if (!(await useTotpStep(em, { id: row.id, step }))) throw wrongTotp();
  }
  return issueSession(em, settings, row);
}

const USERNAME = /^[a-z0-9._-]{3,64}$/;

/** Every wrong field of one submission together, so a form can show them all at once. */
function validateStaff(input: CreateStaffAccountInput): void {
  const mistakes = new FieldErrors();
  const add = (field: string, id: string, en: string) => mistakes.add(field, { id, en });
  if (!USERNAME.test(input.username.trim().toLowerCase())) {
    add(
      'username',
      'Nama pengguna 3-64 karakter: huruf kecil, angka, titik, minus, garis bawah',
      'Username: 3-64 of a-z, 0-9, dot, dash, underscore',
    );
  }
  if (input.password.length < 12 || input.password.length > 200) {
    add('password', 'Kata sandi minimal 12 karakter', 'The password needs at least 12 characters');
  }
  if (input.role === AccountRole.CITIZEN) add('role', 'Akun warga dibuat dengan nomor HP', 'Citizen accounts are made by phone sign-in');
  if (input.role === AccountRole.HEALTH_WORKER && !input.facilityId) {
    add('facilityId', 'Petugas kesehatan harus terikat pada satu fasilitas', 'A health worker needs a facility');
  }
  if (input.facilityId && !isUuid(input.facilityId)) add('facilityId', 'ID fasilitas tidak valid', 'Invalid facility id');
  mistakes.throwIfAny();
}

export async function createStaffAccount(
  em: EntityManager,
  settings: IdentitySettings,
  claims: Claims,
  input: CreateStaffAccountInput,
): Promise<Account> {
  identityPolicy.createStaffAccount(claims);
  validateStaff(input);
  const id = randomUUID();
  const row = await insertStaff(em, {
    id,
    role: input.role,
    username: input.username.trim().toLowerCase(),
    passwordHash: await hashPassword(input.password),
    facilityId: input.role === AccountRole.HEALTH_WORKER ? input.facilityId! : (input.facilityId ?? null),
    displayName: input.displayName?.trim() || null,
  });
  if (!row) throw conflict({ id: 'Nama pengguna sudah dipakai', en: 'The username is taken' }, { field: 'username' });
  return toAccount(row, settings.vault);
}

/** Staff accounts (health workers, admins, partners), by role and username; for the administration page. */
export async function staffAccounts(
  em: EntityManager,
  settings: IdentitySettings,
  claims: Claims,
  page: { first: number; after?: string | null },
): Promise<Connection<Account>> {
  identityPolicy.manageStaffAccounts(claims);
  const size = pageSize(page.first, 100);
  const text = (v: unknown): boolean => typeof v === 'string' && v.length <= 100;
  const after = page.after ? (decodeCursor(page.after, [text, text, isUuid]) as [string, string, string]) : undefined;
  const [rows, total] = await Promise.all([staffAccountRows(em, { limit: size + 1, after }), countStaffAccounts(em)]);
  return toConnection(
    rows,
    size,
    total,
    (r) => [r.role, r.username ?? '', r.id],
    (r) => ({ ...toAccount(r, settings.vault), active: r.active }),
  );
}

/**
 * Changes a staff account's role, facility, name or whether it may sign in. A change of role, facility or
 * activity ends the account's sessions (refresh tokens), so the new rights hold from its next sign-in and an
 * old token lasts at most its 15 minutes.
 */
export async function updateStaffAccount(
  em: EntityManager,
  settings: IdentitySettings,
  claims: Claims,
  id: string,
  input: UpdateStaffAccountInput,
): Promise<Account> {
  identityPolicy.manageStaffAccounts(claims);
  return em.transactional(async (tx) => {
    const row = await accountById(tx, id, true);
    if (!row?.password_hash || row.role === AccountRole.CITIZEN) throw notFound('Akun petugas', 'id');
    const role = input.role ?? row.role;
    const facilityId = input.facilityId === undefined ? row.facility_id : input.facilityId;
    const fields: { field: string; message: string; messageEn: string }[] = [];
    const add = (field: string, message: string, messageEn: string) => fields.push({ field, message, messageEn });
    if (role === AccountRole.CITIZEN) add('role', 'Akun warga dibuat dengan nomor HP', 'Citizen accounts are made by phone sign-in');
    if (role === AccountRole.HEALTH_WORKER && !facilityId)
      add('facilityId', 'Petugas kesehatan harus terikat pada satu fasilitas', 'A health worker needs a facility');
    if (facilityId && !isUuid(facilityId)) add('facilityId', 'ID fasilitas tidak valid', 'Invalid facility id');
    // An admin who demotes or switches off their own account could leave the city with no admin.
    if (row.id === claims.sub && (role !== AccountRole.ADMIN || input.active === false))
      add(
        'role',
        'Admin tidak dapat mengubah peran atau menonaktifkan akunnya sendiri',
        'Admins cannot change their own role or switch themselves off',
      );
    if (input.displayName !== undefined && input.displayName !== null && input.displayName.trim().length > 200)
      add('displayName', 'Nama paling banyak 200 karakter', 'The name has at most 200 characters');
    if (fields.length) {
      const first = fields[0]!;
      throw new AppError(ErrorCode.BAD_USER_INPUT, { id: first.message, en: first.messageEn }, { field: first.field, fields });
    }
    const active = input.active ?? row.active;
    const displayName = input.displayName === undefined || input.displayName === null ? row.display_name : input.displayName.trim() || null;
    const updated = await updateStaff(tx, {
      id: row.id,
      role,
      facilityId: role === AccountRole.HEALTH_WORKER || facilityId ? facilityId : null,
      displayName,
      active,
    });
    if (role !== row.role || facilityId !== row.facility_id || active !== row.active) await revokeAccountTokens(tx, row.id);
    return { ...toAccount(updated!, settings.vault), active: updated!.active };
  });
}

/** The signed-in account; for a token from an external OpenID provider, what its claims say. */
export async function me(em: EntityManager, settings: IdentitySettings, claims: Claims): Promise<Account | null> {
  const signedIn = identityPolicy.me(claims);
  if (!signedIn) return null;
  const row = await accountById(em, claims.sub);
  if (row) return row.active ? toAccount(row, settings.vault) : null;
  const role = accountRole(claims.role);
  return role ? { id: claims.sub, role, facilityId: claims.facilityId, totpEnabled: false } : null;
}

async function ownStaffAccount(em: EntityManager, accountId: string): Promise<AccountRow> {
  const row = await accountById(em, accountId);
  if (!row?.active || !row.password_hash)
    throw forbidden('Only staff accounts use an authenticator app', 'Hanya akun petugas yang memakai aplikasi autentikator');
  return row;
}

/** Starts TOTP enrolment: the secret is kept aside until the first code from the app confirms it. */
export async function enrolTotp(em: EntityManager, settings: IdentitySettings, claims: Claims): Promise<TotpEnrolment> {
  const accountId = identityPolicy.totp(claims);
  const row = await ownStaffAccount(em, accountId);
  const secret = generateSecret();
  await setPendingTotp(em, { id: row.id, secretEncrypted: settings.vault.encrypt(secret) });
  return { secret, otpauthUri: generateURI({ issuer: 'VICTORI Semarang', label: row.username ?? row.id, secret }) };
}

export async function confirmTotp(em: EntityManager, settings: IdentitySettings, claims: Claims, code: string): Promise<Account> {
  const accountId = identityPolicy.totp(claims);
  const row = await ownStaffAccount(em, accountId);
  if (!row.totp_pending_encrypted) {
    throw new AppError(
      ErrorCode.CONFLICT,
      { id: 'Mulai pendaftaran autentikator terlebih dahulu', en: 'Start the authenticator enrolment first' },
      { field: 'code' },
    );
  }
  const secret = settings.vault.decrypt(row.totp_pending_encrypted);
  const step = await checkTotp(secret, code);
  if (step === undefined) throw wrongTotp('code');
  const updated = await confirmPendingTotp(em, { id: row.id, step });
  return toAccount(updated!, settings.vault);
}

/** Who can give a dose at the facility (its health workers' names), downloaded with the desk's day. */
export async function facilityVaccinators(em: EntityManager, claims: Claims, facilityId: string): Promise<Vaccinator[]> {
  identityPolicy.facilityVaccinators(claims, facilityId);
  return facilityHealthWorkers(em, { facilityId });
}
