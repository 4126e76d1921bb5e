import type { EntityManager } from '@mikro-orm/postgresql';
import { jakartaDate, type PiiVault } from '@victori/shared';
import { productCatalogue, type Product } from '../catalogue/catalogue.js';
import type { ImmunizationSettings } from '../config.js';
import { findDose } from '../modules/schedule/schedule.data.js';
import { DeliveryError, needsAction, SatusehatClient } from './client.js';
import type { Outcome, PersonRow, TargetDriver, VisitUnit } from './delivery.unit.js';
import {
  buildEncounter,
  buildImmunization,
  buildNewbornPatient,
  encounterIdentifierSystem,
  immunizationIdentifierSystem,
  type FhirResource,
} from './fhir.js';
import * as satusehatStore from './satusehat.store.js';

/** The KFA product code to send, or undefined when it is not confirmed (the record is then refused). */
export function confirmedKfa(product: Product, overrides: Map<string, string>): string | undefined {
  return overrides.get(product.code) ?? (product.kfaConfirmed ? product.kfaCode : undefined);
}

/**
 * Delivers a visit to SATUSEHAT in the order its guides ask: the patient's IHS number (by NIK, or a
 * newborn by the mother's NIK), the health worker's IHS Practitioner id (by NIK), the visit's Encounter
 * (created `arrived`, reused by every dose of the visit), then each Immunization referencing it; when the
 * visit is over, the Encounter is finished. Each create is preceded by a search on our identifier, so a
 * retry after a lost answer finds what was stored instead of storing it twice.
 */
export class SatusehatTarget implements TargetDriver {
  readonly target = 'SATUSEHAT' as const;
  private readonly client: SatusehatClient;

  constructor(
    private readonly settings: ImmunizationSettings,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.client = new SatusehatClient(settings.satusehat, fetchImpl);
  }

  async deliverVisit(em: EntityManager, unit: VisitUnit, vault: PiiVault): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const person = unit.person;
    const pending = unit.items.filter(({ row, record }) => {
      if (!record || !person) {
        outcomes.set(row.id, { kind: 'failed', error: new DeliveryError('the dose record or person is missing', true) });
        return false;
      }
      // A voided dose that never reached the national record needs nothing sent.
      if (row.doseRecordId === null && !row.remoteId) {
        outcomes.set(row.id, { kind: 'delivered', remoteId: null });
        return false;
      }
      return true;
    });
    if (pending.length === 0 || !person) return outcomes;
    const facilityId = pending[0]!.record!.facilityId;
    const ids = await satusehatStore.facilityIds(em, { facilityId });
    if (!ids?.organizationId || !ids.locationId) {
      const error = needsAction('FACILITY_NOT_REGISTERED', 'the facility has no SATUSEHAT Organization and Location ids yet');
      for (const { row } of pending) outcomes.set(row.id, { kind: 'failed', error });
      return outcomes;
    }
    const facility = { organizationId: ids.organizationId, locationId: ids.locationId };

    // Products first: an unconfirmed KFA code refuses that record only, before anything is sent.
    const sendable = pending.flatMap((item) => {
      const product = productCatalogue().get(item.record!.productCode);
      const kfaCode = product ? confirmedKfa(product, this.settings.satusehat.kfaOverrides) : undefined;
      if (!product || !kfaCode) {
        outcomes.set(item.row.id, {
          kind: 'failed',
          error: needsAction('PRODUCT_CODE_UNCONFIRMED', `no confirmed KFA product code for ${item.record!.productCode}`),
        });
        return [];
      }
      if (item.record!.source === 'RECORDED' && !item.record!.expirationDate) {
        outcomes.set(item.row.id, {
          kind: 'failed',
          error: needsAction('EXPIRATION_DATE_MISSING', "a dose given here needs the lot's expiration date; correct the record with it"),
        });
        return [];
      }
      return [{ ...item, record: item.record!, product: { ...product, kfaCode } }];
    });
    if (sendable.length === 0) return outcomes;

    const patientIhs = await this.patient(em, person, vault);
    // Health workers of doses given here; a historical record (import, declared) has none.
    const practitioners = new Map<string, string | DeliveryError>();
    for (const { record } of sendable) {
      if (record.source !== 'RECORDED' || practitioners.has(record.performerId)) continue;
      practitioners.set(record.performerId, await this.practitioner(em, record.performerId, vault));
    }
    const given = sendable.filter(({ record }) => record.source === 'RECORDED');
    const attender = [...practitioners.values()].find((p): p is string => typeof p === 'string');
    let encounterId: string | null = null;
    if (given.length > 0 && attender) {
      encounterId = await this.encounter(em, unit.visitKey, {
        patientIhs,
        practitionerIhs: attender,
        ...facility,
        start: new Date(Math.min(...given.map((g) => g.record.administeredAt.getTime()))),
        last: new Date(Math.max(...given.map((g) => g.record.administeredAt.getTime()))),
      });
    }

    for (const { row, record, product } of sendable) {
      const primary = record.source === 'RECORDED';
      const practitioner = primary ? practitioners.get(record.performerId) : null;
      if (practitioner instanceof DeliveryError) {
        outcomes.set(row.id, { kind: 'failed', error: practitioner });
        continue;
      }
      const definition = findDose(record.programme, record.doseKind);
      const resource = buildImmunization({
        dedupeKey: row.dedupeKey,
        status: row.doseRecordId === null ? 'entered-in-error' : 'completed',
        product,
        patientIhs,
        encounterId: primary ? encounterId : null,
        administeredAt: record.administeredAt,
        recordedAt: record.recordedAt,
        primarySource: primary,
        reportOrigin: record.source === 'DECLARED' ? 'recall' : 'record',
        ...facility,
        practitionerIhs: practitioner ?? null,
        lotNumber: record.lotNumber,
        expirationDate: record.expirationDate ? toDate(record.expirationDate) : null,
        doseNumber: record.doseNumber,
        valid: record.valid,
        reasonCodes: definition?.dose.reasonCodes ?? ['IM-Program'],
        timing: record.timing,
        remoteId: row.remoteId,
      });
      try {
        const stored = await this.upsert(resource, immunizationIdentifierSystem(facility.organizationId), row.remoteId);
        outcomes.set(row.id, { kind: 'delivered', remoteId: stored });
      } catch (error) {
        if (error instanceof DeliveryError && error.permanent) {
          outcomes.set(row.id, { kind: 'failed', error });
          continue;
        }
        // A transient failure: this record and every one not yet sent are retried together.
        const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
        for (const item of sendable) if (!outcomes.has(item.row.id)) outcomes.set(item.row.id, { kind: 'failed', error: failure });
        break;
      }
    }
    return outcomes;
  }

  /** Creates the resource unless one with our identifier is stored; updates in place when we know its id. */
  private async upsert(resource: FhirResource, system: string, remoteId: string | null): Promise<string> {
    if (remoteId) return (await this.client.update({ ...resource, id: remoteId })).id ?? remoteId;
    const value = (resource.identifier as { value: string }[])[0]!.value;
    const found = await this.client.findByIdentifier(resource.resourceType, system, value);
    if (found?.id) return (await this.client.update({ ...resource, id: found.id })).id ?? found.id;
    try {
      const created = await this.client.create(resource);
      if (!created.id) throw new DeliveryError(`SATUSEHAT stored the ${resource.resourceType} without an id`, false);
      return created.id;
    } catch (error) {
      // Stored by an earlier attempt whose answer was lost, between our search and create: find it.
      if (error instanceof DeliveryError && error.issueCode === 'duplicate') {
        const again = await this.client.findByIdentifier(resource.resourceType, system, value);
        if (again?.id) return again.id;
      }
      throw error;
    }
  }

  /** The person's IHS number, cached on the person (by NIK, or for a newborn by the mother's NIK). */
  private async patient(em: EntityManager, person: PersonRow, vault: PiiVault): Promise<string> {
    if (person.ihsNumber) return person.ihsNumber;
    const nik = person.nikEncrypted ? vault.decrypt(person.nikEncrypted) : null;
    const motherNik = person.motherNikEncrypted ? vault.decrypt(person.motherNikEncrypted) : null;
    let ihs: string | null;
    if (nik) {
      ihs = await this.client.findPatientByNik(nik);
      if (!ihs) throw needsAction('PATIENT_NOT_FOUND', 'SATUSEHAT knows no patient with this NIK; check the NIK, then retry');
    } else if (motherNik) {
      ihs = await this.newborn(person, motherNik, vault);
    } else {
      throw needsAction('PATIENT_NOT_FOUND', 'the person has neither NIK nor mother NIK; add one, then retry');
    }
    await satusehatStore.savePatientIhs(em, { personId: person.id, ihsNumber: ihs });
    person.ihsNumber = ihs;
    return ihs;
  }

  /**
   * SATUSEHAT's newborn flow: look the child up under the mother's NIK and birth date; if not there, the
   * mother must be known by her NIK, and the child is registered under it (Patient with nik-ibu). Searching
   * first makes a retry after a lost answer find the child instead of registering it twice.
   */
  private async newborn(person: PersonRow, motherNik: string, vault: PiiVault): Promise<string> {
    const gender = person.sex === 'MALE' ? 'male' : 'female';
    const pick = (found: FhirResource[]) => {
      const same = found.filter((p) => p.gender === gender);
      if (same.length > 1) {
        throw needsAction('PATIENT_NOT_FOUND', 'several newborns of this mother share birth date and sex; the desk must pick one');
      }
      return same[0]?.id;
    };
    const existing = pick(await this.client.findNewborns(motherNik, person.birthDate));
    if (existing) return existing;
    if (!(await this.client.findPatientByNik(motherNik))) {
      throw needsAction('PATIENT_NOT_FOUND', "SATUSEHAT knows no patient with the mother's NIK; check it, then retry");
    }
    const resource = buildNewbornPatient({
      motherNik,
      name: vault.decrypt(person.fullNameEncrypted),
      sex: person.sex,
      birthDate: person.birthDate,
      birthOrder: 0,
      kelurahanCode: person.residenceKelurahanCode,
    });
    try {
      const created = await this.client.create(resource);
      if (created.id) return created.id;
    } catch (error) {
      if (!(error instanceof DeliveryError && error.issueCode === 'duplicate')) throw error;
    }
    const again = pick(await this.client.findNewborns(motherNik, person.birthDate));
    if (!again) throw new DeliveryError('the newborn was registered but cannot be found yet', false);
    return again;
  }

  /** The health worker's IHS Practitioner id, cached; the NIK comes from an admin's registration (registerPractitionerNik). */
  private async practitioner(em: EntityManager, accountId: string, vault: PiiVault): Promise<string | DeliveryError> {
    const row = await satusehatStore.practitioner(em, { accountId });
    if (!row)
      return needsAction('PRACTITIONER_NOT_FOUND', 'the health worker has no NIK registered for SATUSEHAT (registerPractitionerNik)');
    if (row.ihsId) return row.ihsId;
    const ihs = await this.client.findPractitionerByNik(vault.decrypt(row.nikEncrypted));
    await satusehatStore.savePractitionerIhs(em, { accountId, ihsId: ihs });
    return (
      ihs ?? needsAction('PRACTITIONER_NOT_FOUND', "SATUSEHAT knows no practitioner with the health worker's NIK; check it, then retry")
    );
  }

  /** The visit's Encounter: reused by every dose of the visit, created `arrived` once (searched for first). */
  private async encounter(
    em: EntityManager,
    visitKey: string,
    v: { patientIhs: string; practitionerIhs: string; organizationId: string; locationId: string; start: Date; last: Date },
  ): Promise<string> {
    const visit = await satusehatStore.touchVisit(em, { visitKey, lastDoseAt: v.last });
    if (visit?.remoteId) return visit.remoteId;
    const resource = buildEncounter({ visitKey, status: 'arrived', ...v });
    const id = await this.upsert(resource, encounterIdentifierSystem(v.organizationId), null);
    await satusehatStore.openVisit(em, { visitKey, remoteId: id });
    return id;
  }

  /**
   * Finishes the Encounters of visits that are over (their Jakarta day has passed, or no dose came for
   * SATUSEHAT_VISIT_CLOSE_MS) and whose doses have all been dealt with. PUT is idempotent: a lost answer is
   * simply sent again.
   */
  async afterRound(em: EntityManager): Promise<void> {
    const closeMs = this.settings.satusehat.visitCloseMs;
    const today = jakartaDate(new Date());
    const due = await satusehatStore.visitsToFinish(em, { closeMs, today, limit: 50 });
    for (const visit of due) {
      try {
        const doses = await satusehatStore.deliveredDosesOfVisit(em, { visitKey: visit.visitKey });
        const first = doses[0];
        if (!first?.personIhs) continue;
        const ids = await satusehatStore.facilityIds(em, { facilityId: first.facilityId });
        const practitioner = await satusehatStore.practitioner(em, { accountId: first.performerId });
        if (!ids?.organizationId || !ids.locationId || !practitioner?.ihsId) continue;
        const last = doses[doses.length - 1]!;
        await this.client.update({
          ...buildEncounter({
            visitKey: visit.visitKey,
            status: 'finished',
            patientIhs: first.personIhs,
            practitionerIhs: practitioner.ihsId,
            organizationId: ids.organizationId,
            locationId: ids.locationId,
            start: first.administeredAt,
            end: new Date(Math.max(last.administeredAt.getTime(), first.administeredAt.getTime() + 60_000)),
          }),
          id: visit.remoteId,
        });
        await satusehatStore.finishVisit(em, { visitKey: visit.visitKey });
      } catch (error) {
        const delayMs = Math.min(
          this.settings.satusehat.retryMaxMs,
          this.settings.satusehat.retryBaseMs * 2 ** Math.min(visit.finishAttempts, 20),
        );
        await satusehatStore.visitFinishFailed(em, {
          visitKey: visit.visitKey,
          error: error instanceof Error ? error.message.slice(0, 500) : String(error),
          delayMs,
        });
      }
    }
  }
}

const toDate = (value: string | Date) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));
