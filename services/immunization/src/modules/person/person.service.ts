import { randomInt, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  assertValidNik,
  badInput,
  FieldErrors,
  conflict,
  ErrorCode,
  forbidden,
  notFound,
  publish,
  type Claims,
  type PiiVault,
  type Sex,
} from '@victori/shared';
import { GuardianLinked, MotherConfirmed, PersonRegistered } from '@victori/shared';
import { isSemarangKelurahan } from '../../catalogue/catalogue.js';
import { immunizationPolicy } from '../../policy.js';
import { addDuration, isIsoDate, jakartaDate, parseDuration } from '../schedule/schedule.dates.js';
import { GuardianEntity } from '../guardian/guardian.entity.js';
import type { ImmunizationContext } from '../../context.js';
import type { DoseRecordEntity } from '../dose/dose.entity.js';
import { childKey, claimKey, duplicateChild, normaliseName, storeKey, type ChildKey } from './child-registry.js';
import { PersonEntity } from './person.entity.js';
import * as personStore from './person.store.js';
import type { AddGuardianInput, AssignChildNikInput, RegisterChildInput, RegisterPersonInput } from './person.inputs.js';

const RELATIONSHIPS = ['MOTHER', 'FATHER', 'GUARDIAN'];
const CHILD_BEFORE = parseDuration('P18Y');

export function checkSex(value: string | null | undefined, field = 'sex'): Sex {
  // Null is an empty form field (the inputs take it so that it is reported with every other mistake).
  if (value == null) throw badInput(field, { id: 'Jenis kelamin wajib diisi', en: 'Sex is required' });
  if (value !== 'MALE' && value !== 'FEMALE')
    throw badInput(field, { id: 'Jenis kelamin harus MALE atau FEMALE', en: 'Sex must be MALE or FEMALE' });
  return value;
}

export function checkBirthDate(value: string | null | undefined, field = 'birthDate'): string {
  if (value == null || value === '') throw badInput(field, { id: 'Tanggal lahir wajib diisi', en: 'Birth date is required' });
  if (!isIsoDate(value))
    throw badInput(field, { id: 'Tanggal lahir harus berformat YYYY-MM-DD', en: 'Birth date must be a real date, YYYY-MM-DD' });
  if (value > jakartaDate(new Date()))
    throw badInput(field, { id: 'Tanggal lahir tidak boleh di masa depan', en: 'Birth date cannot be in the future' });
  if (value < '1900-01-01') throw badInput(field, { id: 'Tanggal lahir tidak masuk akal', en: 'Birth date is implausible' });
  return value;
}

export function checkKelurahan(value: string, field = 'residenceKelurahanCode'): string {
  if (!isSemarangKelurahan(value))
    throw badInput(field, { id: 'Kode kelurahan tidak dikenal di Kota Semarang', en: 'Unknown Semarang kelurahan code' });
  return value;
}

export function checkName(value: string, field = 'fullName'): string {
  const name = value.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 150)
    throw badInput(field, { id: 'Nama harus 2 sampai 150 karakter', en: 'Name must be 2 to 150 characters' });
  return name;
}

/** No 0/O or 1/I: the code is read aloud or copied from paper. */
const CLAIM_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CLAIM_CODE_TTL_MS = 24 * 3600_000;

const alreadyRegistered = (): AppError =>
  new AppError(ErrorCode.DUPLICATE, { id: 'NIK ini sudah terdaftar', en: 'This NIK is already registered' }, { field: 'nik' });

const sameName = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

async function emitRegistered(tx: EntityManager, p: PersonEntity): Promise<void> {
  await publish(tx, 'immunization', PersonRegistered, p.id, {
    personId: p.id,
    nikHash: p.nikHash ?? null,
    birthDate: p.birthDate,
    sex: p.sex,
    residenceKelurahanCode: p.residenceKelurahanCode,
    isChild: p.isChild,
  });
}

function uniqueViolation(error: unknown): AppError | undefined {
  if (error instanceof UniqueConstraintViolationException) {
    return new AppError(ErrorCode.DUPLICATE, { id: 'NIK ini sudah terdaftar', en: 'This NIK is already registered' }, { field: 'nik' });
  }
  return undefined;
}

export class PersonService {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
    private readonly claims: Claims,
  ) {}

  /**
   * An adult by NIK. A citizen registers themselves (one person per account); a health worker
   * registers a walk-in at their facility (an existing NIK returns the existing person).
   */
  async registerPerson(input: RegisterPersonInput): Promise<PersonEntity> {
    immunizationPolicy.register(this.claims);
    // Every mistake of the form at once; the NIK is compared with birth date and sex only when they are valid.
    const mistakes = new FieldErrors();
    const sex = mistakes.check(() => checkSex(input.sex));
    const birthDate = mistakes.check(() => checkBirthDate(input.birthDate));
    mistakes.check(() => assertValidNik(input.nik, sex && birthDate ? { birthDate, sex } : {}));
    const fullName = mistakes.check(() => checkName(input.fullName));
    const residence = mistakes.check(() => checkKelurahan(input.residenceKelurahanCode));
    mistakes.throwIfAny();
    if (!sex || !birthDate || fullName === undefined || residence === undefined) throw new Error('unreachable: checked above');
    const nikHash = this.vault.hash(input.nik);
    try {
      return await this.em.transactional(async (tx) => {
        const existing = await tx.findOne(PersonEntity, { nikHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (existing) {
          if (existing.birthDate !== birthDate || existing.sex !== sex) {
            throw badInput('nik', {
              id: 'NIK sudah terdaftar dengan data lahir yang berbeda',
              en: 'This NIK is registered with different birth data',
            });
          }
          if (this.claims.role === 'citizen') {
            if (existing.accountId === this.claims.sub) return existing;
            if (existing.accountId) throw alreadyRegistered();
            // Everything on an ID card (NIK, birth date, sex, name) is known to whoever held it: claiming a
            // record a facility created needs the one-time code a health worker hands the person.
            await this.takeClaimCode(tx, existing.id, input.claimCode);
            await this.assertNoOwnRecord(tx);
            existing.accountId = this.claims.sub!;
            await this.emitGuardianLinked(tx, existing.id, this.claims.sub!, 'SELF');
            return existing;
          }
          if (this.claims.role === 'health-worker') await this.walkIn(tx, existing, fullName);
          return existing;
        }
        if (this.claims.role === 'citizen') await this.assertNoOwnRecord(tx);
        const person = tx.create(PersonEntity, {
          id: randomUUID(),
          nikHash,
          nikEncrypted: this.vault.encrypt(input.nik),
          fullNameEncrypted: this.vault.encrypt(fullName),
          birthDate,
          sex,
          residenceKelurahanCode: residence,
          isChild: birthDate > jakartaDateMinus(CHILD_BEFORE),
          accountId: this.claims.role === 'citizen' ? this.claims.sub! : null,
          registeredByFacilityId: this.claims.role === 'health-worker' ? (this.claims.facilityId ?? null) : null,
          createdAt: new Date(),
        });
        await tx.flush();
        await emitRegistered(tx, person);
        if (this.claims.role === 'citizen') {
          await publish(tx, 'immunization', GuardianLinked, person.id, {
            personId: person.id,
            accountId: this.claims.sub!,
            relationship: 'SELF',
          });
        }
        return person;
      });
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }

  /**
   * A person registered elsewhere walks in at a health worker's facility: with the ID card in hand the
   * name matches as registered, and the person is linked to this facility from now on.
   */
  private async walkIn(tx: EntityManager, existing: PersonEntity, fullName: string): Promise<void> {
    if (!sameName(this.vault.decrypt(existing.fullNameEncrypted), fullName)) throw alreadyRegistered();
    const facilityId = this.claims.facilityId!;
    if (existing.registeredByFacilityId === facilityId) return;
    existing.registeredByFacilityId ??= facilityId;
    await personStore.linkToFacility(tx, { personId: existing.id, facilityId });
  }

  /** Consumes a valid claim code for the person, or refuses (the same answer for a missing, wrong or expired code). */
  private async takeClaimCode(tx: EntityManager, personId: string, code: string | undefined, field = 'claimCode'): Promise<void> {
    const given = code?.trim().toUpperCase();
    const taken = given ? await personStore.takeClaimCode(tx, { personId, codeHash: this.vault.hash(`claim:${given}`) }) : false;
    if (!taken && field === 'motherClaimCode') {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        {
          id: 'Kode klaim ibu salah atau kedaluwarsa; mintalah kode baru kepada petugas kesehatan',
          en: "The mother's claim code is wrong or expired; ask a health worker for a new one",
        },
        { field },
      );
    }
    if (!taken) {
      throw forbidden(
        'This NIK is already registered by a health facility; ask a health worker there for a claim code and enter it',
        'NIK ini sudah didaftarkan oleh fasilitas kesehatan; mintalah kode klaim kepada petugas di sana lalu masukkan kodenya',
      );
    }
  }

  /** A one-time code for the person in front of the health worker (or for an admin), valid for a day. */
  async issueClaimCode(person: PersonEntity): Promise<{ code: string; expiresAt: Date }> {
    const code = Array.from({ length: 8 }, () => CLAIM_ALPHABET[randomInt(CLAIM_ALPHABET.length)]).join('');
    const expiresAt = new Date(Date.now() + CLAIM_CODE_TTL_MS);
    await personStore.saveClaimCode(this.em, {
      personId: person.id,
      codeHash: this.vault.hash(`claim:${code}`),
      issuedBy: this.claims.sub ?? this.claims.role,
      expiresAt,
    });
    return { code, expiresAt };
  }

  private async assertNoOwnRecord(tx: EntityManager): Promise<void> {
    if (await tx.count(PersonEntity, { accountId: this.claims.sub! })) {
      throw conflict({ id: 'Akun ini sudah memiliki data diri', en: 'This account already has its own person record' });
    }
  }

  /** A child registered by a parent (who becomes a guardian) or by a health worker at birth. */
  async registerChild(input: RegisterChildInput, key: ChildKey | null = null): Promise<PersonEntity> {
    immunizationPolicy.register(this.claims);
    const mistakes = new FieldErrors();
    const sex = mistakes.check(() => checkSex(input.sex));
    const birthDate = mistakes.check(() => checkBirthDate(input.birthDate));
    if (birthDate && birthDate <= jakartaDateMinus(CHILD_BEFORE))
      mistakes.add('birthDate', { id: 'Anak harus berusia di bawah 18 tahun', en: 'A child must be under 18 years old' });
    const fullName = mistakes.check(() => checkName(input.fullName));
    const residence = mistakes.check(() => checkKelurahan(input.residenceKelurahanCode));
    if (!RELATIONSHIPS.includes(input.relationship))
      mistakes.add('relationship', {
        id: 'Hubungan harus MOTHER, FATHER atau GUARDIAN',
        en: 'Relationship must be MOTHER, FATHER or GUARDIAN',
      });
    if (
      input.birthWeightGrams !== undefined &&
      input.birthWeightGrams !== null &&
      (input.birthWeightGrams < 300 || input.birthWeightGrams > 7000)
    ) {
      mistakes.add('birthWeightGrams', { id: 'Berat lahir harus 300 sampai 7000 gram', en: 'Birth weight must be 300 to 7000 grams' });
    }
    if (input.nik) mistakes.check(() => assertValidNik(input.nik!, sex && birthDate ? { birthDate, sex } : {}));
    if (input.motherNik) mistakes.check(() => assertValidNik(input.motherNik!, { sex: 'FEMALE' }, 'motherNik'));
    if (!input.nik && !input.motherNik) {
      mistakes.add('motherNik', {
        id: 'NIK ibu wajib diisi bila anak belum memiliki NIK',
        en: "The mother's NIK is required while the child has no NIK",
      });
    }
    mistakes.throwIfAny();
    if (!sex || !birthDate || fullName === undefined || residence === undefined) throw new Error('unreachable: checked above');
    try {
      return await this.em.transactional(async (tx) => {
        if (key) {
          const { replayId } = await claimKey(tx, key);
          const replayed = replayId ? await tx.findOne(PersonEntity, { id: replayId }) : null;
          if (replayed) return replayed;
        }
        const person = await this.newOrExistingChild(tx, input, birthDate, sex, fullName, residence);
        if (key) await storeKey(tx, key, person.id);
        return person;
      });
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }

  private async newOrExistingChild(
    tx: EntityManager,
    input: RegisterChildInput,
    birthDate: string,
    sex: Sex,
    fullName: string,
    residence: string,
  ): Promise<PersonEntity> {
    const motherNikHash = input.motherNik ? this.vault.hash(input.motherNik) : null;
    // Two registrations of one child at the same moment (two phones of one family) must not both insert.
    await personStore.lockChildRegistration(tx, {
      key: `child:${input.nik ? this.vault.hash(input.nik) : `${motherNikHash}:${birthDate}`}`,
    });
    if (this.claims.role === 'health-worker') {
      // A child registered elsewhere (by a parent, another facility) brought in: the same child, now linked here.
      const known = await this.knownChild(tx, input, birthDate, sex, fullName);
      if (known) {
        if (known.motherLink === 'PENDING' && known.motherNikHash === motherNikHash) {
          known.motherLink = 'CONFIRMED';
          await this.emitMotherConfirmed(tx, known);
        }
        return known;
      }
    }
    const proven =
      this.claims.role === 'citizen' && motherNikHash ? await this.motherProven(tx, motherNikHash, input.motherClaimCode) : true;
    if (this.claims.role === 'citizen') {
      const same = await this.sameChild(tx, input, motherNikHash, birthDate, sex, fullName);
      if (same) return this.joinExisting(tx, same, input, proven);
    }
    const person = tx.create(PersonEntity, {
      id: randomUUID(),
      nikHash: input.nik ? this.vault.hash(input.nik) : null,
      nikEncrypted: input.nik ? this.vault.encrypt(input.nik) : null,
      motherNikHash,
      motherNikEncrypted: input.motherNik ? this.vault.encrypt(input.motherNik) : null,
      motherLink: motherNikHash ? (proven ? 'CONFIRMED' : 'PENDING') : null,
      fullNameEncrypted: this.vault.encrypt(fullName),
      birthDate,
      sex,
      birthWeightGrams: input.birthWeightGrams ?? null,
      residenceKelurahanCode: residence,
      isChild: true,
      registeredByFacilityId: this.claims.role === 'health-worker' ? (this.claims.facilityId ?? null) : null,
      createdAt: new Date(),
    });
    if (this.claims.role === 'citizen') {
      tx.create(GuardianEntity, {
        id: randomUUID(),
        personId: person.id,
        accountId: this.claims.sub!,
        relationship: input.relationship,
        createdAt: new Date(),
      });
    }
    await tx.flush();
    await emitRegistered(tx, person);
    if (person.motherLink === 'CONFIRMED') await this.emitMotherConfirmed(tx, person);
    if (this.claims.role === 'citizen') await this.emitGuardianLinked(tx, person.id, this.claims.sub!, input.relationship);
    return person;
  }

  /** Booking learns from this that the mother's NIK with proof of herself may book for the child. */
  private async emitMotherConfirmed(tx: EntityManager, child: PersonEntity): Promise<void> {
    if (!child.motherNikHash) return;
    await publish(tx, 'immunization', MotherConfirmed, child.id, { personId: child.id, motherNikHash: child.motherNikHash });
  }

  /** Booking learns from this that the account may book for the person by registry id. */
  private async emitGuardianLinked(tx: EntityManager, personId: string, accountId: string, relationship: string): Promise<void> {
    await publish(tx, 'immunization', GuardianLinked, personId, { personId, accountId, relationship });
  }

  /**
   * Knowing a woman's NIK is not proof of being her or her child's guardian (stay-up item 6): the proof is
   * this account being her own record, or the one-time claim code a health worker issued for her record.
   */
  private async motherProven(tx: EntityManager, motherNikHash: string, claimCode: string | undefined): Promise<boolean> {
    const mother = await tx.findOne(PersonEntity, { nikHash: motherNikHash });
    if (!mother) return false;
    if (mother.accountId && mother.accountId === this.claims.sub) return true;
    if (!claimCode) return false;
    await this.takeClaimCode(tx, mother.id, claimCode, 'motherClaimCode');
    return true;
  }

  /** The child this registration describes, if already registered: by its NIK, or by mother, birth date, sex and name. */
  private async sameChild(
    tx: EntityManager,
    input: RegisterChildInput,
    motherNikHash: string | null,
    birthDate: string,
    sex: Sex,
    fullName: string,
  ): Promise<PersonEntity | undefined> {
    if (input.nik) return (await tx.findOne(PersonEntity, { nikHash: this.vault.hash(input.nik) })) ?? undefined;
    const candidates = await tx.find(PersonEntity, { motherNikHash: motherNikHash!, birthDate, sex, isChild: true }, { limit: 20 });
    const name = normaliseName(fullName);
    return candidates.find((c) => normaliseName(this.vault.decrypt(c.fullNameEncrypted)) === name);
  }

  /**
   * The same child again: its guardian gets it back (a retry, a second phone of the same account); an
   * account proven to be the mother's joins as guardian and confirms the link; anyone else learns only
   * that it exists (DUPLICATE with its id).
   */
  private async joinExisting(tx: EntityManager, same: PersonEntity, input: RegisterChildInput, proven: boolean): Promise<PersonEntity> {
    const guardian = await tx.count(GuardianEntity, { personId: same.id, accountId: this.claims.sub! });
    if (guardian) return same;
    if (proven && input.motherNik && same.motherNikHash === this.vault.hash(input.motherNik)) {
      tx.create(GuardianEntity, {
        id: randomUUID(),
        personId: same.id,
        accountId: this.claims.sub!,
        relationship: input.relationship,
        createdAt: new Date(),
      });
      same.motherLink = 'CONFIRMED';
      await tx.flush();
      await this.emitMotherConfirmed(tx, same);
      await this.emitGuardianLinked(tx, same.id, this.claims.sub!, input.relationship);
      return same;
    }
    throw duplicateChild(same.id, input.nik ? 'nik' : 'motherNik');
  }

  /**
   * A health worker confirms, with the mother and her ID card in front of them, that the child's mother's
   * NIK is hers (the first visit of a child a citizen registered without proof).
   */
  async confirmMotherLink(person: PersonEntity): Promise<PersonEntity> {
    if (!person.motherNikHash) {
      throw conflict({ id: 'Anak ini tidak memiliki NIK ibu', en: "This child has no mother's NIK on record" }, { field: 'personId' });
    }
    if (person.motherLink !== 'CONFIRMED') {
      await this.em.transactional(async (tx) => {
        await personStore.confirmMotherLink(tx, { personId: person.id });
        await this.emitMotherConfirmed(tx, person);
        // The confirmed link is what the mother's-NIK booking path trusts: tell booking again for every guardian.
        const guardians = await tx.find(GuardianEntity, { personId: person.id }, { limit: 20 });
        for (const g of guardians) await this.emitGuardianLinked(tx, person.id, g.accountId, g.relationship);
      });
      person.motherLink = 'CONFIRMED';
    }
    return person;
  }

  private async knownChild(
    tx: EntityManager,
    input: RegisterChildInput,
    birthDate: string,
    sex: string,
    fullName: string,
  ): Promise<PersonEntity | undefined> {
    const where = input.nik ? { nikHash: this.vault.hash(input.nik) } : { motherNikHash: this.vault.hash(input.motherNik!), birthDate };
    const candidates = await tx.find(PersonEntity, { ...where, isChild: true }, { limit: 20 });
    const same = candidates.find(
      (c) => c.birthDate === birthDate && c.sex === sex && sameName(this.vault.decrypt(c.fullNameEncrypted), fullName),
    );
    if (same) await this.walkIn(tx, same, fullName);
    return same;
  }

  /** Records the child's NIK once issued; it must agree with the birth date and sex on record. */
  async assignChildNik(input: AssignChildNikInput, canAct: (id: string) => Promise<void>): Promise<PersonEntity> {
    immunizationPolicy.assignChildNik(this.claims);
    await canAct(input.personId);
    try {
      return await this.em.transactional(async (tx) => {
        const person = await tx.findOne(PersonEntity, { id: input.personId });
        if (!person) throw notFound('Orang', 'personId');
        if (person.nikHash) throw conflict({ id: 'Orang ini sudah memiliki NIK', en: 'This person already has a NIK' });
        assertValidNik(input.nik, { birthDate: person.birthDate, sex: person.sex });
        person.nikHash = this.vault.hash(input.nik);
        person.nikEncrypted = this.vault.encrypt(input.nik);
        await tx.flush();
        return person;
      });
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }

  /** A guardian (or an admin) adds another guardian, e.g. the other parent. */
  async addGuardian(input: AddGuardianInput, canAct: (id: string) => Promise<void>): Promise<PersonEntity> {
    immunizationPolicy.addGuardian(this.claims, input.accountId.trim());
    await canAct(input.personId);
    if (!RELATIONSHIPS.includes(input.relationship))
      throw badInput('relationship', {
        id: 'Hubungan harus MOTHER, FATHER atau GUARDIAN',
        en: 'Relationship must be MOTHER, FATHER or GUARDIAN',
      });
    const accountId = input.accountId.trim();
    if (!accountId || accountId.length > 100) throw badInput('accountId', { id: 'Akun tidak valid', en: 'Invalid account id' });
    return this.em.transactional(async (tx) => {
      const person = await tx.findOne(PersonEntity, { id: input.personId });
      if (!person) throw notFound('Orang', 'personId');
      if (!person.isChild && this.claims.role !== 'admin')
        throw forbidden('Only children have guardians added by citizens', 'Hanya anak yang dapat ditambah walinya oleh warga');
      await personStore.insertGuardian(tx, { id: randomUUID(), personId: person.id, accountId, relationship: input.relationship });
      await publish(tx, 'immunization', GuardianLinked, person.id, { personId: person.id, accountId, relationship: input.relationship });
      return person;
    });
  }
}

function jakartaDateMinus(d: { years: number; months: number; days: number; text: string }): string {
  return addDuration(jakartaDate(new Date()), { years: -d.years, months: -d.months, days: -d.days, text: `-${d.text}` });
}

/*
 * The operations the resolvers call: each decides access first through the policy, then runs the rule
 * (PersonService above, which the demo seeder and tests also use with their own claims).
 */

const serviceOf = (ctx: ImmunizationContext) => new PersonService(ctx.em, ctx.vault, ctx.request.claims);

/** Citizens act for themselves and their dependants; health workers for people they hold; admins for all. */
const canActFor = (ctx: ImmunizationContext) => async (id: string) => {
  await immunizationPolicy.person(ctx, id);
};

/** A person by id: the person, their guardians, health workers of a linked facility, admins. */
export async function personById(ctx: ImmunizationContext, id: string): Promise<PersonEntity> {
  return immunizationPolicy.person(ctx, id);
}

/** The signed-in citizen's own record, if any. */
export async function myPerson(ctx: ImmunizationContext): Promise<PersonEntity | null> {
  const account = immunizationPolicy.ownRecords(ctx.request.claims);
  return ctx.em.findOne(PersonEntity, { accountId: account });
}

/** The people the signed-in citizen is guardian of. */
export async function myDependants(ctx: ImmunizationContext): Promise<PersonEntity[]> {
  const account = immunizationPolicy.ownRecords(ctx.request.claims);
  const people = await ctx.loaders.person.loadMany(await personStore.dependantIds(ctx.em, { accountId: account }));
  return people.filter((p): p is PersonEntity => p instanceof PersonEntity);
}

/** Exact lookup by NIK, or by mother's NIK (and birth date); health workers get only the people linked to their facility. */
export async function findPersons(
  ctx: ImmunizationContext,
  args: { nik?: string | null; motherNik?: string | null; birthDate?: string | null },
): Promise<PersonEntity[]> {
  immunizationPolicy.findPersons(ctx.request.claims);
  if (!args.nik && !args.motherNik) return [];
  const where: Record<string, unknown> = args.nik
    ? { nikHash: ctx.vault.hash(args.nik) }
    : { motherNikHash: ctx.vault.hash(args.motherNik!) };
  if (args.birthDate) where.birthDate = checkBirthDate(args.birthDate);
  const rows = await ctx.em.find(PersonEntity, where, { orderBy: { birthDate: 'asc' }, limit: 20 });
  return immunizationPolicy.visibleOnly(ctx, rows);
}

export async function registerPerson(ctx: ImmunizationContext, input: RegisterPersonInput): Promise<PersonEntity> {
  immunizationPolicy.register(ctx.request.claims);
  return serviceOf(ctx).registerPerson(input);
}

/** registerChild honours the request's Idempotency-Key (child-registry.ts). */
export async function registerChild(ctx: ImmunizationContext, input: RegisterChildInput): Promise<PersonEntity> {
  immunizationPolicy.register(ctx.request.claims);
  return serviceOf(ctx).registerChild(input, childKey(ctx.request, input));
}

export async function assignChildNik(ctx: ImmunizationContext, input: AssignChildNikInput): Promise<PersonEntity> {
  immunizationPolicy.assignChildNik(ctx.request.claims);
  return serviceOf(ctx).assignChildNik(input, canActFor(ctx));
}

export async function addGuardian(ctx: ImmunizationContext, input: AddGuardianInput): Promise<PersonEntity> {
  immunizationPolicy.addGuardian(ctx.request.claims, input.accountId.trim());
  return serviceOf(ctx).addGuardian(input, canActFor(ctx));
}

export async function issueClaimCode(ctx: ImmunizationContext, personId: string): Promise<{ code: string; expiresAt: Date }> {
  const person = await immunizationPolicy.issueClaimCode(ctx, personId);
  return serviceOf(ctx).issueClaimCode(person);
}

export async function confirmMotherLink(ctx: ImmunizationContext, personId: string): Promise<PersonEntity> {
  const person = await immunizationPolicy.confirmMotherLink(ctx, personId);
  return serviceOf(ctx).confirmMotherLink(person);
}

/** Person.doseRecords: the dose records of a person already shown to the caller. */
export async function shownPersonDoses(ctx: ImmunizationContext, personId: string): Promise<DoseRecordEntity[]> {
  immunizationPolicy.shownPerson();
  return ctx.loaders.dosesByPerson.load(personId);
}
