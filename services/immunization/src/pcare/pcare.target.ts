import type { EntityManager } from '@mikro-orm/postgresql';
import type { PiiVault } from '@victori/shared';
import type { ImmunizationSettings } from '../config.js';
import { DeliveryError } from '../satusehat/client.js';
import type { Outcome, TargetDriver, VisitUnit } from '../satusehat/delivery.unit.js';
import { PcareClient, type PcareRegistration } from './pcare.client.js';
import * as pcareStore from './pcare.store.js';

/** dd-mm-yyyy from a Jakarta day (PCare's date format). */
export const pcareDay = (isoDay: string) => isoDay.split('-').reverse().join('-');

/**
 * Delivers a visit to BPJS PCare as a healthy visit (kunjSakit false) registered at the immunization poli
 * for the participant found by NIK: one registration per visit, whatever the number of doses. The day's
 * registrations are read before registering, so a retry after a lost answer reuses the one PCare kept.
 * A person who is not an active BPJS participant, and a historical record, are NOT_APPLICABLE.
 */
export class PcareTarget implements TargetDriver {
  readonly target = 'PCARE' as const;
  private readonly client: PcareClient;

  constructor(
    private readonly settings: ImmunizationSettings,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.client = new PcareClient(settings.pcare, fetchImpl);
  }

  async deliverVisit(em: EntityManager, unit: VisitUnit, vault: PiiVault): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const given = unit.items.filter(({ row, record }) => {
      if (!record || !unit.person) {
        outcomes.set(row.id, { kind: 'failed', error: new DeliveryError('the dose record or person is missing', true) });
        return false;
      }
      if (row.doseRecordId === null) {
        // A voided dose: the visit happened all the same; nothing to withdraw from PCare.
        outcomes.set(row.id, { kind: 'delivered', remoteId: row.remoteId });
        return false;
      }
      if (record.source !== 'RECORDED') {
        outcomes.set(row.id, {
          kind: 'not-applicable',
          error: new DeliveryError('a historical record is not a PCare visit', true, null),
        });
        return false;
      }
      return true;
    });
    if (given.length === 0 || !unit.person) return outcomes;
    const person = unit.person;
    const notParticipant = (message: string) => {
      for (const { row } of given)
        outcomes.set(row.id, { kind: 'not-applicable', error: new DeliveryError(message, true, 'NOT_A_PARTICIPANT') });
      return outcomes;
    };
    if (!person.nikEncrypted) return notParticipant('no NIK to find a BPJS participant by');
    const participant = await this.client.participantByNik(vault.decrypt(person.nikEncrypted));
    if (!participant?.noKartu || !participant.aktif) return notParticipant('not an active BPJS participant');

    const day = pcareDay(unit.visitKey.split('|')[2] ?? '');
    const visit = await pcareStore.touchPcareVisit(em, { visitKey: unit.visitKey });
    let noUrut = visit?.remoteId ?? null;
    if (!noUrut) {
      const poli = this.settings.pcare.poliCode;
      const same = (r: PcareRegistration) => r.peserta?.noKartu === participant.noKartu && r.poli?.kdPoli === poli;
      noUrut = (await this.client.registrationsOn(day)).find(same)?.noUrut ?? null;
      noUrut ??= await this.client.register({
        kdProviderPeserta: participant.kdProviderPst?.kdProvider ?? null,
        tglDaftar: day,
        noKartu: participant.noKartu,
        kdPoli: poli,
        keluhan: null,
        kunjSakit: false,
        sistole: 0,
        diastole: 0,
        beratBadan: 0,
        tinggiBadan: 0,
        respRate: 0,
        lingkarPerut: 0,
        heartRate: 0,
        rujukBalik: 0,
        kdTkp: '10',
      });
      await pcareStore.savePcareRegistration(em, { visitKey: unit.visitKey, noUrut });
    }
    for (const { row } of given) outcomes.set(row.id, { kind: 'delivered', remoteId: `${day}/${noUrut}` });
    return outcomes;
  }
}
