import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PollLoop, type Logger, type PiiVault } from '@victori/shared';
import { productCatalogue } from '../catalogue/catalogue.js';
import type { ImmunizationSettings } from '../config.js';
import { findDose } from '../modules/schedule/schedule.data.js';
import { DeliveryError, SatusehatClient } from './client.js';
import { DeliveryFailureLog, type FailureLogOptions } from './delivery.log.js';
import { buildImmunization, DOSE_IDENTIFIER_SYSTEM, NIK_IBU_SYSTEM, NIK_SYSTEM } from './fhir.js';

interface Claimed {
  id: string;
  dedupe_key: string;
  person_id: string;
  dose_record_id: string | null;
  version: number;
  remote_id: string | null;
  attempts: number;
}

interface RecordRow {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  dose_number: number;
  product_code: string;
  lot_number: string;
  expiration_date: string | null;
  administered_at: Date;
  recorded_at: Date;
  facility_id: string;
  performer_id: string;
  valid: boolean;
  timing: string | null;
  source: string;
  dedupe_key: string;
}

interface PersonRow {
  id: string;
  nik_encrypted: string | null;
  mother_nik_encrypted: string | null;
  birth_date: string;
  ihs_number: string | null;
}

export interface RoundResult {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Works off the national delivery queue: claims due rows (skip locked, with a lease so a crashed
 * worker's rows come back), sends each as a FHIR Immunization, and records the outcome. Transient
 * failures retry with exponential back-off and jitter, without limit; permanent rejections are FAILED
 * with the reason. Creates are conditional on our identifier, so a lost response never duplicates.
 */
export class DeliveryWorker {
  private readonly loop = new PollLoop({
    round: async () => (await this.processOnce()).claimed,
    idleMs: () => this.settings.satusehat.pollMs,
    onError: (error) => this.logger.warn({ err: error }, 'national delivery round failed; retrying'),
  });
  private readonly client: SatusehatClient;
  private readonly failures: DeliveryFailureLog;

  constructor(
    private readonly orm: MikroORM,
    private readonly vault: PiiVault,
    private readonly settings: ImmunizationSettings,
    private readonly logger: Logger,
    fetchImpl: typeof fetch = fetch,
    logOptions: FailureLogOptions = {},
  ) {
    this.client = new SatusehatClient(settings.satusehat, fetchImpl);
    this.failures = new DeliveryFailureLog(logger, logOptions);
  }

  /** Delay before the next attempt after `attempts` failures: base * 2^(n-1), capped, with jitter. */
  backoffMs(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.settings.satusehat;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts - 1, 30));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  async processOnce(): Promise<RoundResult> {
    const em = this.orm.em.fork() as EntityManager;
    const claimed = await em.execute<Claimed[]>(
      `update national_delivery set attempts = attempts + 1, next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now()
       where id in (select id from national_delivery where status = 'PENDING' and next_attempt_at <= now()
                    order by next_attempt_at limit ? for update skip locked)
       returning id, dedupe_key, person_id, dose_record_id, version, remote_id, attempts`,
      [this.settings.satusehat.leaseMs, this.settings.satusehat.batchSize],
    );
    const result: RoundResult = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
    if (claimed.length === 0) return result;
    const keys = claimed.map((c) => c.dedupe_key);
    // The record to send: the current one, or for a voided dose the last one sent under the key.
    const records = await em.execute<RecordRow[]>(
      `select distinct on (dedupe_key) * from dose_record where dedupe_key in (?) order by dedupe_key, (status = 'ACTIVE') desc, recorded_at desc`,
      [keys],
    );
    const recordByKey = new Map(records.map((r) => [r.dedupe_key, r]));
    const people = await em.execute<PersonRow[]>(
      `select id, nik_encrypted, mother_nik_encrypted, to_char(birth_date, 'YYYY-MM-DD') as birth_date, ihs_number from person where id in (?)`,
      [[...new Set(claimed.map((c) => c.person_id))]],
    );
    const personById = new Map(people.map((p) => [p.id, p]));
    const ihsCache = new Map<string, Promise<string>>();
    await Promise.all(
      claimed.map(async (row) => {
        try {
          const remoteId = await this.deliver(em, row, recordByKey.get(row.dedupe_key), personById.get(row.person_id), ihsCache);
          await em.execute(
            `update national_delivery set
               status = case when version = ? then 'DELIVERED' else 'PENDING' end,
               delivered_version = ?, remote_id = coalesce(?, remote_id), delivered_at = now(), last_error = null,
               attempts = case when version = ? then attempts else 0 end,
               next_attempt_at = case when version = ? then next_attempt_at else now() end, updated_at = now()
             where id = ?`,
            [row.version, row.version, remoteId, row.version, row.version, row.id],
          );
          result.delivered += 1;
          this.failures.delivered(row.id, row.attempts);
        } catch (error) {
          const failure =
            error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), false);
          if (failure.permanent) {
            await em.execute(
              `update national_delivery set status = case when version = ? then 'FAILED' else 'PENDING' end, last_error = ?,
                 next_attempt_at = now(), updated_at = now() where id = ?`,
              [row.version, failure.message, row.id],
            );
            result.failed += 1;
          } else {
            await em.execute(
              `update national_delivery set last_error = ?,
                 next_attempt_at = case when version = ? then now() + (? * interval '1 millisecond') else now() end, updated_at = now()
               where id = ?`,
              [failure.message, row.version, this.backoffMs(row.attempts), row.id],
            );
            result.retrying += 1;
          }
          this.failures.failure(row.id, row.attempts, failure.message, failure.permanent);
        }
      }),
    );
    return result;
  }

  private async deliver(
    em: EntityManager,
    row: Claimed,
    record: RecordRow | undefined,
    person: PersonRow | undefined,
    ihsCache: Map<string, Promise<string>>,
  ): Promise<string | null> {
    if (!record || !person) throw new DeliveryError('the dose record or person is missing', true);
    const voided = row.dose_record_id === null;
    // A voided dose that never reached the national record needs nothing sent.
    if (voided && !row.remote_id) return null;
    const product = productCatalogue().get(record.product_code);
    if (!product) throw new DeliveryError(`unknown product ${record.product_code}`, true);
    const nik = person.nik_encrypted ? this.vault.decrypt(person.nik_encrypted) : null;
    const motherNik = person.mother_nik_encrypted ? this.vault.decrypt(person.mother_nik_encrypted) : null;
    let ihsNumber = person.ihs_number;
    if (!ihsNumber) {
      if (!nik && !motherNik) throw new DeliveryError('the person has neither NIK nor mother NIK', true);
      let lookup = ihsCache.get(person.id);
      if (!lookup) {
        lookup = nik ? this.client.findPatient(NIK_SYSTEM, nik) : this.client.findPatient(NIK_IBU_SYSTEM, motherNik!, person.birth_date);
        ihsCache.set(person.id, lookup);
      }
      ihsNumber = await lookup;
      await em.execute(`update person set ihs_number = ? where id = ? and ihs_number is null`, [ihsNumber, person.id]);
      person.ihs_number = ihsNumber;
    }
    const definition = findDose(record.programme, record.dose_kind);
    const resource = buildImmunization({
      dedupeKey: row.dedupe_key,
      status: voided ? 'entered-in-error' : 'completed',
      product,
      patient: { ihsNumber, nik, motherNik },
      administeredAt: new Date(record.administered_at),
      recordedAt: new Date(record.recorded_at),
      primarySource: record.source === 'RECORDED',
      facilityId: record.facility_id,
      performerId: record.performer_id,
      organizationId: this.settings.organizationId,
      lotNumber: record.lot_number,
      expirationDate: record.expiration_date ? String(record.expiration_date).slice(0, 10) : null,
      doseNumber: record.dose_number,
      valid: record.valid,
      reasonCodes: definition?.dose.reasonCodes ?? ['IM-Program'],
      timing: record.timing,
      remoteId: row.remote_id,
    });
    const stored = row.remote_id
      ? await this.client.updateImmunization(row.remote_id, resource)
      : await this.client.createImmunization(resource, { system: DOSE_IDENTIFIER_SYSTEM, value: row.dedupe_key });
    return stored.id ?? row.remote_id;
  }

  /** Runs rounds until nothing is due (tests, commands). */
  async drain(maxRounds = 1000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.processOnce()).claimed === 0) return;
  }

  nudge(): void {
    this.loop.nudge();
  }

  start(): void {
    if (this.loop.started) return;
    this.failures.start();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.failures.stop();
  }
}
