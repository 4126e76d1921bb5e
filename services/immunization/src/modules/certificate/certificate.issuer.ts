import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PiiVault } from '@victori/shared';
import { productCatalogue } from '../../catalogue/catalogue.js';
import type { CertificateSettings } from '../../config.js';
import type { DoseRecordEntity } from '../dose/dose.entity.js';
import type { PersonEntity } from '../person/person.entity.js';
import { findDose, scheduleFor, scheduleForPerson } from '../schedule/schedule.data.js';
import { jakartaDate } from '../schedule/schedule.dates.js';
import { forecast } from '../schedule/schedule.engine.js';
import { centreName, manufacturerOf, revocationId, signCard, type CardDose, type CardContent } from './certificate.card.js';
import { issuerKeys, signingKey, type IssuerKeys } from './certificate.keys.js';
import { certificateStore, type CardKind, type ValidDoseRow } from './certificate.store.js';

/** What the dose flow calls, inside the dose's own transaction (which holds the person's row lock). */
export interface DoseCards {
  recorded(tx: EntityManager, person: PersonEntity, record: DoseRecordEntity): Promise<void>;
  corrected(tx: EntityManager, person: PersonEntity, old: DoseRecordEntity, replacement: DoseRecordEntity | null): Promise<void>;
}

/**
 * Issues and revokes cards as doses are recorded and corrected. A valid dose gets its own card and a
 * new record card (all the person's valid doses, for school enrolment); the previous record card is
 * REPLACED, not revoked, since it is still true. A correction revokes every card carrying the old
 * record; invalid doses (given too early) get no card: they do not count.
 */
export class CardIssuer implements DoseCards {
  constructor(
    private readonly vault: PiiVault,
    private readonly settings: CertificateSettings,
    private readonly keys: IssuerKeys,
  ) {}

  /** Keys are read (or, the first time, generated and stored) outside any dose transaction, so a rolled-back dose cannot take a key with it. */
  static async create(em: EntityManager, vault: PiiVault, settings: CertificateSettings): Promise<CardIssuer> {
    return new CardIssuer(vault, settings, await issuerKeys(em, vault, settings));
  }

  async recorded(tx: EntityManager, person: PersonEntity, record: DoseRecordEntity): Promise<void> {
    if (!record.valid) return;
    const doses = await certificateStore.validDoses(tx, person.id);
    const row = doses.find((d) => d.id === record.id);
    if (!row) return;
    await this.issue(tx, person, 'DOSE', [row], doses);
    await this.reissueRecord(tx, person, doses);
  }

  async corrected(tx: EntityManager, person: PersonEntity, old: DoseRecordEntity, replacement: DoseRecordEntity | null): Promise<void> {
    const revoked = await certificateStore.revokeCarrying(tx, old.id, replacement ? 'CORRECTED' : 'VOIDED');
    const doses = await certificateStore.validDoses(tx, person.id);
    const row = replacement?.valid ? doses.find((d) => d.id === replacement.id) : undefined;
    const doseCard = row ? await this.issue(tx, person, 'DOSE', [row], doses) : null;
    if (doseCard)
      await certificateStore.markReplacedBy(
        tx,
        revoked.filter((c) => c.kind === 'DOSE').map((c) => c.id),
        doseCard,
      );
    const recordCard = await this.reissueRecord(tx, person, doses);
    if (recordCard)
      await certificateStore.markReplacedBy(
        tx,
        revoked.filter((c) => c.kind === 'RECORD').map((c) => c.id),
        recordCard,
      );
  }

  /**
   * Cards for the person's valid doses that have none: doses written outside the dose flow (the history
   * import's bulk statements, the demo seed) get theirs through this same path the first time anyone asks
   * for the person's cards, so the import stays a few multi-row statements per batch. Inside the caller's
   * transaction, which holds the person's row lock (no second card for the same dose). Returns how many.
   */
  async backfill(tx: EntityManager, person: PersonEntity): Promise<number> {
    const doses = await certificateStore.validDoses(tx, person.id);
    const carded = await certificateStore.dosesWithCard(tx, person.id);
    const missing = doses.filter((d) => !carded.has(d.id));
    for (const d of missing) await this.issue(tx, person, 'DOSE', [d], doses);
    if (missing.length) await this.reissueRecord(tx, person, doses);
    return missing.length;
  }

  private async reissueRecord(tx: EntityManager, person: PersonEntity, doses: ValidDoseRow[]): Promise<string | null> {
    await certificateStore.replaceRecordCard(tx, person.id);
    return doses.length ? this.issue(tx, person, 'RECORD', doses, doses) : null;
  }

  private async issue(
    tx: EntityManager,
    person: PersonEntity,
    kind: CardKind,
    carried: ValidDoseRow[],
    all: ValidDoseRow[],
  ): Promise<string | null> {
    const keys = this.keys;
    const id = randomUUID();
    const issuedAt = new Date();
    const next = nextDoses(person, all);
    const content: CardContent = {
      certificateId: id,
      holder: { name: this.vault.decrypt(person.fullNameEncrypted), birthDate: person.birthDate },
      doses: carried.map((d) => cardDose(d, next)),
    };
    const rid = revocationId(this.vault, id);
    const signing = signingKey(keys, issuedAt);
    const jws = await signCard(signing, this.settings.issuer, content, rid, issuedAt);
    const inserted = await certificateStore.insert(tx, {
      id,
      person_id: person.id,
      kind,
      dose_record_id: kind === 'DOSE' ? carried[0]!.id : null,
      dose_record_ids: carried.map((d) => d.id),
      kid: signing.kid,
      rid,
      jws,
      issued_at: issuedAt,
    });
    return inserted ? id : null;
  }
}

/** The recommended date of each series' next dose, on the latest given dose of that series only. */
function nextDoses(person: PersonEntity, all: ValidDoseRow[]): Map<string, string> {
  const next = new Map<string, string>();
  const today = jakartaDate(new Date());
  for (const programme of new Set(all.map((d) => d.programme))) {
    const schedule = scheduleFor(programme);
    if (!schedule) continue;
    const given = all
      .filter((d) => d.programme === programme)
      .map((d) => ({ id: d.id, doseKind: d.dose_kind, givenOn: jakartaDate(new Date(d.administered_at)) }));
    const planned = forecast(scheduleForPerson(schedule, person.sex), person.birthDate, given, today);
    for (const d of all.filter((x) => x.programme === programme)) {
      const series = findDose(programme, d.dose_kind)?.series;
      if (!series) continue;
      const latest = all.filter((x) => x.programme === programme && findDose(programme, x.dose_kind)?.series === series).at(-1);
      if (latest?.id !== d.id) continue;
      const upcoming = planned.doses.find(
        (p) =>
          p.antigen === series.antigen &&
          ['DUE', 'OVERDUE', 'UPCOMING'].includes(p.status) &&
          series.doses.some((s) => s.doseKind === p.doseKind),
      );
      const date = upcoming?.recommendedDate ?? upcoming?.earliestDate;
      if (date) next.set(d.id, date);
    }
  }
  return next;
}

function cardDose(d: ValidDoseRow, next: Map<string, string>): CardDose {
  const product = productCatalogue().get(d.product_code);
  const definition = findDose(d.programme, d.dose_kind);
  return {
    productName: product?.name ?? d.product_code,
    manufacturer: manufacturerOf(d.product_code),
    cvxCode: product?.cvxCode ?? null,
    kfaCode: product?.kfaCode ?? null,
    lotNumber: d.lot_number,
    givenOn: jakartaDate(new Date(d.administered_at)),
    doseNumber: d.dose_number,
    totalDoses: definition?.series.doses.length ?? d.dose_number,
    centre: d.declared_place ?? centreName(d.facility_id),
    nextDoseOn: next.get(d.id) ?? null,
    declared: d.source === 'DECLARED',
  };
}
