import { inflateRawSync } from 'node:zlib';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy } from '../../policy.js';
import { notFound, isUuid } from '@victori/shared';
import { DDCC_COUNTRY, NEXT_DOSE, CVX_SYSTEM } from './certificate.card.js';
import { LockMode } from '@mikro-orm/core';
import { PersonEntity } from '../person/person.entity.js';
import { CardIssuer } from './certificate.issuer.js';
import { issuerKeys } from './certificate.keys.js';
import { certificateStore, type CardRow } from './certificate.store.js';
import { HealthCard, HealthCardDose, HealthCardIssuer, HealthCardKind, HealthCardStatus } from './certificate.type.js';
import { numericQr } from './certificate.card.js';

interface FhirEntry {
  resource: Record<string, unknown> & { resourceType: string };
}
interface CardPayload {
  iss: string;
  vc: { credentialSubject: { fhirBundle: { entry: FhirEntry[] } } };
}

/** What the card says, read back from the signed payload itself (so the app and PDF show exactly what was signed). */
export function readPayload(jws: string): CardPayload {
  return JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1]!, 'base64url')).toString('utf8')) as CardPayload;
}

export function toHealthCard(row: CardRow): HealthCard {
  const payload = readPayload(row.jws);
  const entries = payload.vc.credentialSubject.fhirBundle.entry.map((e) => e.resource);
  const patient = entries.find((r) => r.resourceType === 'Patient') as unknown as {
    name: { text?: string; family?: string; given?: string[] }[];
    birthDate: string;
  };
  const name = patient.name[0]!;
  const doses = entries
    .filter((r) => r.resourceType === 'Immunization')
    .map((r) => {
      const i = r as unknown as {
        extension?: { url: string; valueCode?: string; valueDate?: string }[];
        vaccineCode: { coding: { system: string; code: string }[]; text: string };
        occurrenceDateTime: string;
        primarySource?: boolean;
        location: { display: string };
        manufacturer?: { display: string };
        lotNumber: string;
        protocolApplied: { doseNumberPositiveInt: number; seriesDosesPositiveInt: number }[];
      };
      const protocol = i.protocolApplied[0]!;
      return Object.assign(new HealthCardDose(), {
        vaccine: i.vaccineCode.text,
        manufacturer: i.manufacturer?.display ?? null,
        cvxCode: i.vaccineCode.coding.find((c) => c.system === CVX_SYSTEM)?.code ?? null,
        lotNumber: i.lotNumber,
        date: i.occurrenceDateTime,
        doseNumber: protocol.doseNumberPositiveInt,
        totalDoses: protocol.seriesDosesPositiveInt,
        centre: i.location.display,
        country: i.extension?.find((e) => e.url === DDCC_COUNTRY)?.valueCode ?? 'ID',
        nextDose: i.extension?.find((e) => e.url === NEXT_DOSE)?.valueDate ?? null,
        declared: i.primarySource === false,
      });
    });
  return Object.assign(new HealthCard(), {
    id: row.id,
    personId: row.person_id,
    kind: HealthCardKind[row.kind],
    status: HealthCardStatus[row.status],
    doseRecordIds: row.dose_record_ids,
    issuedAt: new Date(row.issued_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    revokeReason: row.revoke_reason,
    replacedById: row.replaced_by_id,
    kid: row.kid,
    rid: row.rid,
    jws: row.jws,
    qr: numericQr(row.jws),
    holderName: name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' '),
    holderBirthDate: patient.birthDate,
    issuer: payload.iss,
    doses,
  });
}

export class CertificateService {
  constructor(private readonly ctx: ImmunizationContext) {}

  async cardsOf(personId: string, includeRevoked: boolean): Promise<HealthCard[]> {
    await immunizationPolicy.healthCards(this.ctx, personId);
    // History from the import or the seed has no cards yet: issued now, by the dose flow's own issuer.
    if (await certificateStore.hasUncarded(this.ctx.em, personId)) await this.issueMissing(personId);
    return (await certificateStore.ofPerson(this.ctx.em, personId, includeRevoked)).map(toHealthCard);
  }

  private async issueMissing(personId: string): Promise<void> {
    const issuer = await CardIssuer.create(this.ctx.em, this.ctx.vault, this.ctx.settings.certificates);
    await this.ctx.em.transactional(async (tx) => {
      // The dose flow's lock: a dose recorded meanwhile waits, and two first looks issue once.
      const person = await tx.findOne(PersonEntity, { id: personId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (person) await issuer.backfill(tx, person);
    });
  }

  async card(id: string): Promise<HealthCard> {
    const row = isUuid(id) ? await certificateStore.byId(this.ctx.em, id) : undefined;
    await immunizationPolicy.healthCards(this.ctx, row?.person_id);
    if (!row) throw notFound('Sertifikat', 'id');
    return toHealthCard(row);
  }

  async issuer(): Promise<HealthCardIssuer> {
    immunizationPolicy.healthCardIssuer();
    const settings = this.ctx.settings.certificates;
    const keys = await issuerKeys(this.ctx.em, this.ctx.vault, settings);
    const lists = await certificateStore.revocationLists(this.ctx.em);
    const ctrOf = (kid: string) => lists.find((l) => l.kid === kid)?.ctr ?? 0;
    return Object.assign(new HealthCardIssuer(), {
      issuer: settings.issuer,
      keys: keys.all.map((k) => ({
        kid: k.kid,
        kty: 'EC',
        crv: 'P-256',
        x: k.publicJwk.x!,
        y: k.publicJwk.y!,
        alg: 'ES256',
        use: 'sig',
        exp: k.publicJwk.exp ?? null,
        crlVersion: ctrOf(k.kid),
      })),
      // Every published key has a list, empty while nothing it signed is revoked.
      revocationLists: keys.all.map((k) => ({
        kid: k.kid,
        method: 'rid',
        ctr: ctrOf(k.kid),
        rids: lists.find((l) => l.kid === k.kid)?.rids ?? [],
      })),
    });
  }
}
