import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DoseCorrected,
  DoseRecorded,
  on,
  onBatch,
  PersonRegistered,
  type ConsumerDefinition,
  type DoseCorrectedPayload,
  type DoseRecordPayload,
  type PersonRegisteredPayload,
} from '@victori/shared';
import type { ReportingSettings } from '../config.js';
import { localDay } from '../modules/dates.js';
import {
  addCoverage,
  addMissingChildren,
  countedStates,
  deactivateFact,
  insertNewFacts,
  keyString,
  refreshChildren,
  replaceFact,
  truncateCoverage,
  upsertChildren,
  type Counted,
  type CoverageDelta,
  type DoseKey,
  type FactRow,
} from './coverage.store.js';

const keyOf = (p: DoseRecordPayload): DoseKey => ({ personId: p.personId, programme: p.programme, doseKind: p.doseKind });

const factOf = (p: DoseRecordPayload, active: boolean, timeZone: string): FactRow => ({
  doseRecordId: p.doseRecordId,
  personId: p.personId,
  programme: p.programme,
  doseKind: p.doseKind,
  administeredAt: p.administeredAt,
  administeredOn: localDay(p.administeredAt, timeZone),
  valid: p.valid,
  active,
  kelurahanCode: p.residenceKelurahanCode,
});

/** Moves each key's person in the aggregates from where they counted before to where they count after. */
function deltasOf(keys: DoseKey[], before: Map<string, Counted>, after: Map<string, Counted>): CoverageDelta[] {
  const out: CoverageDelta[] = [];
  for (const key of keys) {
    const k = keyString(key);
    const b = before.get(k);
    const a = after.get(k);
    if (b?.kelurahanCode === a?.kelurahanCode && b?.day === a?.day) continue;
    for (const [c, people] of [
      [b, -1],
      [a, 1],
    ] as const) {
      if (!c) continue;
      const base = { programme: key.programme, doseKind: key.doseKind, kelurahanCode: c.kelurahanCode };
      out.push({ ...base, day: null, people }, { ...base, day: c.day, people });
    }
  }
  return out;
}

const distinctKeys = (keys: DoseKey[]): DoseKey[] => [...new Map(keys.map((k) => [keyString(k), k])).values()];

/**
 * A run of dose.recorded events at once (a bulk import delivers thousands): the facts in one
 * statement, each touched person/programme/dose kind's counted state before and after in one statement
 * each, the aggregates' deltas in one, the touched children in two. New records only add facts, so the
 * result does not depend on their order within the run; a record seen before has no second effect.
 */
export async function onDosesRecorded(tx: EntityManager, doses: DoseRecordPayload[], settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const keys = distinctKeys(doses.map(keyOf));
  const before = await countedStates(tx, keys);
  const inserted = await insertNewFacts(
    tx,
    doses.map((p) => factOf(p, true, config.timeZone)),
  );
  if (inserted.size === 0) return;
  const fresh = doses.filter((p) => inserted.has(p.doseRecordId));
  // Only a new valid record can change where its key counts.
  const changed = distinctKeys(fresh.filter((p) => p.valid).map(keyOf));
  const after = new Map(before);
  for (const [k, c] of await countedStates(tx, changed)) after.set(k, c);
  await addCoverage(tx, deltasOf(changed, before, after));
  const children = fresh.filter((p) => p.programme === definitions.childProgramme);
  // person.registered (same aggregate, so delivered first) is authoritative; a dose only fills a missing child.
  await addMissingChildren(
    tx,
    children.map((p) => ({ personId: p.personId, birthDate: p.birthDate, kelurahanCode: p.residenceKelurahanCode })),
  );
  await refreshChildren(
    tx,
    children.map((p) => p.personId),
    definitions,
  );
}

export async function onDoseCorrected(tx: EntityManager, c: DoseCorrectedPayload, settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const keys = distinctKeys([keyOf(c.superseded), ...(c.record ? [keyOf(c.record)] : [])]);
  const before = await countedStates(tx, keys);
  await deactivateFact(tx, factOf({ ...c.superseded, doseRecordId: c.supersededDoseRecordId }, false, config.timeZone));
  if (c.record) {
    const fact = factOf(c.record, true, config.timeZone);
    if (c.record.doseRecordId === c.supersededDoseRecordId) await replaceFact(tx, fact);
    else await insertNewFacts(tx, [fact]);
  }
  await addCoverage(tx, deltasOf(keys, before, await countedStates(tx, keys)));
  const child = [c.superseded, c.record].find((p) => p?.programme === definitions.childProgramme);
  if (child) {
    await addMissingChildren(tx, [{ personId: child.personId, birthDate: child.birthDate, kelurahanCode: child.residenceKelurahanCode }]);
    await refreshChildren(tx, [child.personId], definitions);
  }
}

/** Registered children (the others do not count in the child indicators), a run at once. */
export async function onPeopleRegistered(tx: EntityManager, people: PersonRegisteredPayload[], settings: ReportingSettings): Promise<void> {
  const children = people.filter((p) => p.isChild);
  if (children.length === 0) return;
  await upsertChildren(
    tx,
    children.map((p) => ({ personId: p.personId, birthDate: p.birthDate, kelurahanCode: p.residenceKelurahanCode })),
  );
  await refreshChildren(
    tx,
    children.map((p) => p.personId),
    settings.definitions,
  );
}

export const coverageConsumer = (settings: ReportingSettings): ConsumerDefinition => ({
  name: 'reporting.coverage',
  handlers: [
    onBatch(DoseRecorded, (tx, events) =>
      onDosesRecorded(
        tx,
        events.map((e) => e.payload),
        settings,
      ),
    ),
    on(DoseCorrected, (tx, e) => onDoseCorrected(tx, e.payload, settings)),
    onBatch(PersonRegistered, (tx, events) =>
      onPeopleRegistered(
        tx,
        events.map((e) => e.payload),
        settings,
      ),
    ),
  ],
  reset: (tx) => truncateCoverage(tx),
});
