import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Connection } from '@victori/shared';
import type { IdentityContext } from '../../context.js';
import { devSmsOutbox, requestSignInCode, signInWithCode } from '../code/code.service.js';
import { refreshSession, signOut } from '../session/session.service.js';
import {
  confirmTotp,
  createStaffAccount,
  enrolTotp,
  facilityVaccinators,
  me,
  staffAccounts,
  staffSignIn,
  updateStaffAccount,
} from './account.service.js';
import {
  Account,
  AccountConnection,
  AuthSession,
  CreateStaffAccountInput,
  DevSms,
  SignInCodeRequest,
  TotpEnrolment,
  UpdateStaffAccountInput,
  Vaccinator,
} from './account.type.js';

@Resolver()
export class IdentityResolver {
  @Query(() => Account, { nullable: true, description: 'The signed-in account; null when anonymous' })
  me(@Ctx() ctx: IdentityContext): Promise<Account | null> {
    return me(ctx.em, ctx.identity, ctx.request.claims);
  }

  @Query(() => [DevSms], {
    description: 'Development only (FORBIDDEN in production): the SMS that would have been sent to this phone, newest first',
  })
  async devSmsOutbox(@Ctx() ctx: IdentityContext, @Arg('phone', () => String) phone: string): Promise<DevSms[]> {
    const rows = await devSmsOutbox(ctx.em, ctx.identity, phone);
    return rows.map((r) => ({ to: r.to_phone, text: r.text, sentAt: new Date(r.sent_at) }));
  }

  @Mutation(() => SignInCodeRequest, { description: 'Citizens: sends a 6-digit code by SMS to an Indonesian mobile number (08xx, +628xx)' })
  requestSignInCode(@Ctx() ctx: IdentityContext, @Arg('phone', () => String) phone: string): Promise<SignInCodeRequest> {
    // Only the gateway reaches a subgraph (signed requests); it puts the client's address in X-Forwarded-For.
    const client = String(ctx.request.headers['x-forwarded-for'] ?? ctx.request.ip);
    return requestSignInCode(ctx.em, ctx.identity, phone, client);
  }

  @Mutation(() => AuthSession, { description: 'Citizens: the code from the SMS (valid 5 minutes, 5 tries) gives a session' })
  signInWithCode(
    @Ctx() ctx: IdentityContext,
    @Arg('phone', () => String) phone: string,
    @Arg('code', () => String) code: string,
  ): Promise<AuthSession> {
    return signInWithCode(ctx.em, ctx.identity, phone, code);
  }

  @Mutation(() => AuthSession, {
    description: 'Staff: username and password, plus the authenticator code when TOTP is on (TOTP_REQUIRED otherwise)',
  })
  staffSignIn(
    @Ctx() ctx: IdentityContext,
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Arg('totpCode', () => String, { nullable: true }) totpCode?: string,
  ): Promise<AuthSession> {
    return staffSignIn(ctx.em, ctx.identity, username, password, totpCode);
  }

  @Mutation(() => AuthSession, {
    description: 'A new session for a refresh token; the old one stops working (reuse ends the session everywhere)',
  })
  refreshSession(@Ctx() ctx: IdentityContext, @Arg('refreshToken', () => String) refreshToken: string): Promise<AuthSession> {
    return refreshSession(ctx.em, ctx.identity, refreshToken);
  }

  @Mutation(() => Boolean, { description: 'Ends the session of this refresh token' })
  signOut(@Ctx() ctx: IdentityContext, @Arg('refreshToken', () => String) refreshToken: string): Promise<boolean> {
    return signOut(ctx.em, refreshToken);
  }

  @Mutation(() => Account, { description: 'Admins: a staff account (health worker of a facility, admin or partner)' })
  createStaffAccount(
    @Ctx() ctx: IdentityContext,
    @Arg('input', () => CreateStaffAccountInput) input: CreateStaffAccountInput,
  ): Promise<Account> {
    return createStaffAccount(ctx.em, ctx.identity, ctx.request.claims, input);
  }

  @Mutation(() => TotpEnrolment, { description: 'Staff: starts turning on an authenticator app (TOTP) for the signed-in account' })
  enrolTotp(@Ctx() ctx: IdentityContext): Promise<TotpEnrolment> {
    return enrolTotp(ctx.em, ctx.identity, ctx.request.claims);
  }

  @Mutation(() => Account, { description: 'Staff: the first code from the app turns TOTP on' })
  verifyTotp(@Ctx() ctx: IdentityContext, @Arg('code', () => String) code: string): Promise<Account> {
    return confirmTotp(ctx.em, ctx.identity, ctx.request.claims, code);
  }

  @Query(() => AccountConnection, {
    description: 'Admins: staff accounts (health workers, admins, partners) by role and username, cursor-paginated',
  })
  staffAccounts(
    @Ctx() ctx: IdentityContext,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 200' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<Account>> {
    return staffAccounts(ctx.em, ctx.identity, ctx.request.claims, { first, after });
  }

  @Query(() => [Vaccinator], {
    description: "Health workers of the facility and admins: the facility's health workers by name (the desk's vaccinators, kept offline)",
  })
  facilityVaccinators(@Ctx() ctx: IdentityContext, @Arg('facilityId', () => ID) facilityId: string): Promise<Vaccinator[]> {
    return facilityVaccinators(ctx.em, ctx.request.claims, facilityId);
  }

  @Mutation(() => Account, {
    description: "Admins: changes a staff account's role, facility, name or whether it may sign in (a change of rights ends its sessions)",
  })
  updateStaffAccount(
    @Ctx() ctx: IdentityContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateStaffAccountInput) input: UpdateStaffAccountInput,
  ): Promise<Account> {
    return updateStaffAccount(ctx.em, ctx.identity, ctx.request.claims, id, input);
  }
}
