import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '@victori/shared';

export enum AccountRole {
  CITIZEN = 'CITIZEN',
  HEALTH_WORKER = 'HEALTH_WORKER',
  ADMIN = 'ADMIN',
  PARTNER = 'PARTNER',
}
registerEnumType(AccountRole, {
  name: 'AccountRole',
  description: 'Who an account is; the token carries it as citizen, health-worker, admin or partner',
});

@ObjectType('Account', { description: 'A signed-in person: a citizen (by phone) or staff (by username, created by an admin)' })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => AccountRole)
  role!: AccountRole;

  @Field(() => String, { nullable: true, description: 'Citizens: their own phone number, +628...; shown only to the owner' })
  phone?: string;

  @Field(() => String, { nullable: true, description: 'Staff' })
  username?: string;

  @Field(() => ID, { nullable: true, description: 'Health workers: the facility they work for' })
  facilityId?: string;

  @Field(() => String, { nullable: true })
  displayName?: string;

  @Field(() => Boolean)
  totpEnabled!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Staff: false when the account was switched off (admins only see it)' })
  active?: boolean;
}

export const AccountConnection = connectionType('Account', Account, { totalDescription: 'Staff accounts, over all pages' });

@ObjectType('SignInCodeRequest')
export class SignInCodeRequest {
  @Field(() => String, { description: 'The normalised number the code was sent to (+628...)' })
  phone!: string;

  @Field(() => DateTimeResolver)
  expiresAt!: Date;

  @Field(() => Int, { description: 'A new code can be requested after this many seconds' })
  resendAfterSeconds!: number;
}

@ObjectType('AuthSession')
export class AuthSession {
  @Field(() => String, { description: 'ES256 JWT for `Authorization: Bearer`; short-lived' })
  accessToken!: string;

  @Field(() => String, { description: 'Opaque; exchanged once for a new session by refreshSession (rotated on every use)' })
  refreshToken!: string;

  @Field(() => DateTimeResolver)
  accessTokenExpiresAt!: Date;

  @Field(() => DateTimeResolver)
  refreshTokenExpiresAt!: Date;

  @Field(() => Account)
  account!: Account;
}

@ObjectType('DevSms', { description: 'An SMS kept in the development outbox instead of being sent' })
export class DevSms {
  @Field(() => String)
  to!: string;

  @Field(() => String)
  text!: string;

  @Field(() => DateTimeResolver)
  sentAt!: Date;
}

@ObjectType('TotpEnrolment', { description: 'Scan otpauthUri (or type secret) into an authenticator app, then confirm with verifyTotp' })
export class TotpEnrolment {
  @Field(() => String, { description: 'Base32' })
  secret!: string;

  @Field(() => String)
  otpauthUri!: string;
}

@InputType('CreateStaffAccountInput')
export class CreateStaffAccountInput {
  @Field(() => String, { description: '3 to 64 of a-z, 0-9, dot, dash, underscore' })
  username!: string;

  @Field(() => String, { description: 'At least 12 characters' })
  password!: string;

  @Field(() => AccountRole, { description: 'HEALTH_WORKER, ADMIN or PARTNER' })
  role!: AccountRole;

  @Field(() => ID, { nullable: true, description: 'Required for health workers' })
  facilityId?: string;

  @Field(() => String, { nullable: true })
  displayName?: string;
}

@InputType('UpdateStaffAccountInput', { description: 'What changes on a staff account; omitted fields stay' })
export class UpdateStaffAccountInput {
  @Field(() => AccountRole, { nullable: true, description: 'HEALTH_WORKER, ADMIN or PARTNER' })
  role?: AccountRole;

  @Field(() => ID, { nullable: true, description: 'Required for health workers; null clears it for other roles' })
  facilityId?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string;

  @Field(() => Boolean, { nullable: true, description: 'false: the account can no longer sign in and its sessions end' })
  active?: boolean;
}

@ObjectType('Vaccinator', { description: "A health worker of a facility, by name: the desk's choice of who gave a dose" })
export class Vaccinator {
  @Field(() => ID, { description: 'The staff account' })
  id!: string;

  @Field(() => String)
  displayName!: string;
}
