import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { productCatalogue, type Product } from '../../catalogue/catalogue.js';
import { SatusehatClient } from '../../satusehat/client.js';
import {
  CVX_SYSTEM,
  IMMUNIZATION_IDENTIFIER_PREFIX,
  KFA_SYSTEM,
  NIK_SYSTEM,
  OUR_IDENTIFIER_PREFIX,
  type FhirResource,
} from '../../satusehat/fhir.js';
import { DoseRecordEntity } from '../dose/dose.entity.js';
import { jakartaDate } from '../schedule/schedule.dates.js';
import { immunizationPolicy } from '../../policy.js';
import { declaredOf, insertDeclared, publishDeclared, type DeclaredRow } from './declared.store.js';

interface NationalDose {
  programme: string;
  doseKind: string;
  givenOn: string;
  place: string;
  lotNumber: string | null;
}

const unreachable = (): AppError =>
  new AppError(ErrorCode.UNAVAILABLE, {
    id: 'Catatan nasional (SATUSEHAT) sedang tidak dapat dihubungi; coba lagi nanti',
    en: 'The national record (SATUSEHAT) cannot be reached right now; try again later',
  });

function productOf(resource: FhirResource): Product | undefined {
  const codings = (resource.vaccineCode as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  for (const p of productCatalogue().values()) {
    if (codings.some((c) => (c.system === KFA_SYSTEM && c.code === p.kfaCode) || (c.system === CVX_SYSTEM && c.code === p.cvxCode)))
      return p;
  }
  return undefined;
}

/**
 * One national Immunization as a dose of our schedule, or undefined when it cannot be placed: our own
 * deliveries (already records here), not completed, an unknown product, or a dose number outside the
 * product's dose kinds (the n-th dose kind of the product is its n-th dose).
 */
export function toNationalDose(resource: FhirResource): NationalDose | undefined {
  const identifiers = (resource.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  const ours = (i: { system?: string; value?: string }) =>
    !!i.system?.startsWith(IMMUNIZATION_IDENTIFIER_PREFIX) && !!i.value?.startsWith(OUR_IDENTIFIER_PREFIX);
  if (identifiers.some(ours)) return undefined;
  if (resource.status !== 'completed' || typeof resource.occurrenceDateTime !== 'string') return undefined;
  const product = productOf(resource);
  const doseNumber = (resource.protocolApplied as { doseNumberPositiveInt?: number }[] | undefined)?.[0]?.doseNumberPositiveInt;
  const doseKind = product && doseNumber ? product.doseKinds[doseNumber - 1] : undefined;
  if (!product || !doseKind) return undefined;
  const at = new Date(resource.occurrenceDateTime);
  if (Number.isNaN(at.getTime())) return undefined;
  const location = (resource.location as { display?: string; reference?: string } | undefined) ?? {};
  return {
    programme: product.programme,
    doseKind,
    givenOn: jakartaDate(at),
    place: (location.display ?? location.reference ?? 'SATUSEHAT').slice(0, 200),
    lotNumber: typeof resource.lotNumber === 'string' ? resource.lotNumber.slice(0, 40) : null,
  };
}

/**
 * Looks the person's immunizations up in the national record by NIK and fills the history with the doses
 * not yet known here, as NATIONAL: they count in the forecast, never in this city's coverage (they were
 * given and are counted elsewhere). A person without a NIK has nothing to look up by.
 */
export async function lookUpNational(ctx: ImmunizationContext, personId: string): Promise<DeclaredRow[]> {
  const person = await immunizationPolicy.lookUpNational(ctx, personId);
  if (!person.nikEncrypted) return declaredOf(ctx.em, { personId: person.id });
  const client = new SatusehatClient(ctx.settings.satusehat);
  let resources: FhirResource[];
  try {
    resources = await client.searchImmunizations(NIK_SYSTEM, ctx.vault.decrypt(person.nikEncrypted));
  } catch {
    throw unreachable();
  }
  const doses = resources.flatMap((r) => toNationalDose(r) ?? []).filter((d) => d.givenOn >= person.birthDate);
  await ctx.em.transactional(async (tx) => {
    const known = await tx.find(DoseRecordEntity, { personId: person.id, status: 'ACTIVE', valid: true });
    const declared = await declaredOf(tx, { personId: person.id });
    for (const d of doses) {
      const key = (p: string, k: string) => p === d.programme && k === d.doseKind;
      if (known.some((r) => key(r.programme, r.doseKind))) continue;
      if (declared.some((r) => r.status !== 'REJECTED' && key(r.programme, r.doseKind))) continue;
      const row = await insertDeclared(tx, {
        id: randomUUID(),
        personId: person.id,
        programme: d.programme,
        doseKind: d.doseKind,
        givenOn: d.givenOn,
        place: d.place,
        lotNumber: d.lotNumber,
        declaredBy: 'SATUSEHAT',
        status: 'NATIONAL',
      });
      await publishDeclared(tx, row, person.nikHash ?? null);
      declared.push(row);
    }
  });
  return declaredOf(ctx.em, { personId: person.id });
}
