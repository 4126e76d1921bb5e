import { randomUUID } from 'node:crypto';
import { DoseCorrected, DoseRecorded, PersonRegistered, type DoseRecordPayload, type EventEnvelope } from '@victori/shared';
import { createEnvelope } from '@victori/shared';
import { loadReportingSettings } from '../config.js';
import { areaIndex } from '../modules/area/area.tree.js';
import { childIndicatorTable } from '../modules/child/child.table.js';
import { coverageTable } from '../modules/coverage/coverage.table.js';
import { localDay } from '../modules/dates.js';
import { startReportingHarness, type ReportingHarness } from '../testing/harness.js';

/** Deterministic pseudo-random numbers so that a failing stream can be replayed from its seed. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const TZ = 'Asia/Jakarta';
const FACILITY = '6f1c2a10-0000-4000-8000-000000000002';
const COVID_KINDS = ['PRIMARY_1', 'BOOSTER_1'] as const;
const CHILD_KINDS = loadReportingSettings().definitions.idl.doseKinds.concat(['DPT-HB-HIB4', 'MR2', 'PCV1']);

interface Person {
  personId: string;
  kelurahan: string;
  birthDate: string;
  child: boolean;
}

/**
 * The specification, computed from the events alone: a person counts once per programme and dose
 * kind if they have an active valid record, in the kelurahan and on the day of the earliest one.
 */
class Model {
  records = new Map<string, { p: DoseRecordPayload; active: boolean }>();
  people = new Map<string, Person>();

  counted(asOf: string | null): Map<string, number> {
    const best = new Map<string, DoseRecordPayload>();
    for (const { p, active } of this.records.values()) {
      if (!active || !p.valid) continue;
      if (asOf !== null && localDay(p.administeredAt, TZ) > asOf) continue;
      const key = `${p.personId}|${p.programme}|${p.doseKind}`;
      const cur = best.get(key);
      const earlier =
        !cur ||
        Date.parse(p.administeredAt) < Date.parse(cur.administeredAt) ||
        (Date.parse(p.administeredAt) === Date.parse(cur.administeredAt) && p.doseRecordId < cur.doseRecordId);
      if (earlier) best.set(key, p);
    }
    const out = new Map<string, number>();
    for (const p of best.values()) {
      const k = `${p.programme}|${p.doseKind}|${p.residenceKelurahanCode}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  childFlags(personId: string) {
    const child = this.people.get(personId)!;
    const defs = loadReportingSettings().definitions;
    const mine = [...this.records.values()].filter(
      (r) => r.active && r.p.valid && r.p.personId === personId && r.p.programme === 'ROUTINE_CHILD',
    );
    const [y, m, d] = child.birthDate.split('-').map(Number) as [number, number, number];
    const birthday = (years: number) => `${y + years}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const has = (kinds: string[], before: string | null) =>
      kinds.every((k) => mine.some((r) => r.p.doseKind === k && (before === null || localDay(r.p.administeredAt, TZ) < before)));
    return {
      idl: has(defs.idl.doseKinds, birthday(1)),
      ibl: has(defs.ibl.doseKinds, birthday(2)),
      dpt1: has([defs.dropout.first], null),
      mr1: has([defs.dropout.last], null),
    };
  }
}

describe('coverage projection from a randomized stream of records, corrections and redeliveries', () => {
  let h: ReportingHarness;
  // Every stream gets its own databases and bus: a replay reads the whole retained log.
  beforeEach(async () => {
    h = await startReportingHarness('cov');
  });
  afterEach(async () => {
    await h?.close();
  });

  const idx = areaIndex();
  // Two kecamatan of the city plus a place outside it, so that small counts and outsiders occur.
  const kecamatan = [...idx.kecamatan.keys()].sort().slice(0, 2);
  const kelurahan = kecamatan.flatMap((k) => idx.kecamatan.get(k)!.slice(0, 4)).concat(['33.22.01.2001']);

  async function expectMatches(model: Model) {
    const em = h.service.runtime.orm.em.fork();
    // 1. The maintained aggregates equal a from-scratch recomputation over the projected records.
    const recomputed = await em.execute<{ programme: string; dose_kind: string; kelurahan_code: string; day: string; people: string }[]>(
      `with firsts as (
         select distinct on (person_id, programme, dose_kind) programme, dose_kind, kelurahan_code, administered_on
           from dose_fact where active and valid order by person_id, programme, dose_kind, administered_at, dose_record_id)
       select programme, dose_kind, kelurahan_code, to_char(administered_on, 'YYYY-MM-DD') as day, count(*) as people
         from firsts group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    );
    const daily = await em.execute<typeof recomputed>(
      `select programme, dose_kind, kelurahan_code, to_char(day, 'YYYY-MM-DD') as day, people from coverage_daily where people <> 0 order by 1, 2, 3, 4`,
    );
    expect(daily.map((r) => ({ ...r, people: Number(r.people) }))).toEqual(recomputed.map((r) => ({ ...r, people: Number(r.people) })));
    const totals = await em.execute<{ k: string; people: number }[]>(
      `select programme || '|' || dose_kind || '|' || kelurahan_code as k, people from coverage_total where people <> 0`,
    );
    // 2. ...and the specification computed from the events.
    expect(new Map(totals.map((t) => [t.k, Number(t.people)]))).toEqual(model.counted(null));

    // 3. The coverage query (admin view) per kelurahan, kecamatan and city, today and in the past.
    for (const asOf of [null, '2023-06-30', '2024-01-15']) {
      const expected = model.counted(asOf);
      for (const dose of COVID_KINDS) {
        const rows = await coverageTable(em, loadReportingSettings(), { programme: 'COVID19', dose, level: 'KELURAHAN', asOf }, null);
        for (const r of rows.filter((x) => !x.isTotal))
          expect([r.area.code, r.achieved]).toEqual([r.area.code, expected.get(`COVID19|${dose}|${r.area.code}`) ?? 0]);
        const inCity = [...expected].filter(([k]) => k.startsWith(`COVID19|${dose}|33.74.`)).reduce((s, [, n]) => s + n, 0);
        expect(rows.find((r) => r.isTotal)!.achieved).toBe(inCity);
        const kec = await coverageTable(em, loadReportingSettings(), { programme: 'COVID19', dose, level: 'KECAMATAN', asOf }, null);
        for (const k of kecamatan) {
          const sum = [...expected].filter(([key]) => key.startsWith(`COVID19|${dose}|${k}.`)).reduce((s, [, n]) => s + n, 0);
          expect(kec.find((r) => r.area.code === k)!.achieved).toBe(sum);
        }
      }
    }
    // 4. Child indicators from the same records.
    const flags = await em.execute<{ person_id: string; idl: boolean; ibl: boolean; dpt1: boolean; mr1: boolean }[]>(
      `select person_id, idl, ibl, dpt1, mr1 from child_status`,
    );
    const children = [...model.people.values()].filter((p) => p.child);
    expect(flags).toHaveLength(children.length);
    for (const f of flags)
      expect({ id: f.person_id, idl: f.idl, ibl: f.ibl, dpt1: f.dpt1, mr1: f.mr1 }).toEqual({
        id: f.person_id,
        ...model.childFlags(f.person_id),
      });
    const table = await childIndicatorTable(em, loadReportingSettings(), { cohort: 2023, level: 'KECAMATAN' }, null);
    const cityChildren = children.filter((c) => c.kelurahan.startsWith('33.74.'));
    expect(table.find((r) => r.isTotal)!.children).toBe(cityChildren.length);
    expect(table.find((r) => r.isTotal)!.idl).toBe(cityChildren.filter((c) => model.childFlags(c.personId).idl).length);
  }

  test.each([1, 2, 3])('seed %i: aggregates equal a recomputation, before and after a replay', async (seed) => {
    const em = h.service.runtime.orm.em.fork();
    const r = rng(seed);
    const model = new Model();
    const sent: EventEnvelope[] = [];
    const append = async (e: EventEnvelope) => {
      sent.push(e);
      await h.service.runtime.events.transport.append([e]);
    };

    for (let i = 0; i < 120; i++) {
      const child = r.next() < 0.4;
      const person: Person = {
        personId: randomUUID(),
        kelurahan: r.pick(kelurahan),
        birthDate: child ? `2023-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}` : '1980-05-17',
        child,
      };
      model.people.set(person.personId, person);
      await append(
        createEnvelope(PersonRegistered, 'immunization', person.personId, {
          personId: person.personId,
          nikHash: null,
          birthDate: person.birthDate,
          sex: 'FEMALE',
          residenceKelurahanCode: person.kelurahan,
          isChild: child,
        }),
      );
    }
    const people = [...model.people.values()];
    const newRecord = (person: Person): DoseRecordPayload => {
      const start = person.child ? Date.parse(`${person.birthDate}T00:00:00Z`) : Date.parse('2022-06-01T00:00:00Z');
      return {
        doseRecordId: randomUUID(),
        personId: person.personId,
        nikHash: null,
        programme: person.child ? 'ROUTINE_CHILD' : 'COVID19',
        doseKind: person.child ? r.pick(CHILD_KINDS) : r.pick(COVID_KINDS),
        antigen: 'X',
        doseNumber: 1,
        productCode: 'P',
        lotNumber: 'L1',
        facilityId: FACILITY,
        // Up to ~2 years later, sometimes at the same minute as another record (ties), in local evening hours (day boundaries).
        administeredAt: new Date(
          start + r.int(800) * 86_400_000 + r.pick([0, 60_000, 16 * 3_600_000 + 59 * 60_000, 17 * 3_600_000 + 30 * 60_000]),
        ).toISOString(),
        appointmentId: null,
        slipCode: null,
        valid: r.next() < 0.9,
        // Mostly the registered residence; sometimes a move.
        residenceKelurahanCode: r.next() < 0.85 ? person.kelurahan : r.pick(kelurahan),
        birthDate: person.birthDate,
        sex: 'FEMALE',
      };
    };

    for (let step = 0; step < 900; step++) {
      const roll = r.next();
      const active = [...model.records.values()].filter((x) => x.active);
      if (roll < 0.6 || active.length === 0) {
        const person = r.pick(people);
        const p = newRecord(person);
        model.records.set(p.doseRecordId, { p, active: true });
        await append(createEnvelope(DoseRecorded, 'immunization', p.personId, p));
      } else if (roll < 0.8) {
        const old = r.pick(active);
        const person = model.people.get(old.p.personId)!;
        const voided = r.next() < 0.3;
        const replacement = voided
          ? null
          : { ...newRecord(person), administeredAt: r.next() < 0.5 ? old.p.administeredAt : newRecord(person).administeredAt };
        old.active = false;
        if (replacement) model.records.set(replacement.doseRecordId, { p: replacement, active: true });
        await append(
          createEnvelope(DoseCorrected, 'immunization', old.p.personId, {
            supersededDoseRecordId: old.p.doseRecordId,
            superseded: old.p,
            reason: voided ? 'entered in error' : 'wrong dose',
            record: replacement,
          }),
        );
      } else if (roll < 0.88 && sent.length) {
        // The relay delivers an event again (same id): the bus keeps one copy.
        await h.service.runtime.events.transport.append([r.pick(sent)]);
      } else if (roll < 0.94) {
        // A producer publishes the same record twice under a new event id.
        const again = r.pick([...model.records.values()]);
        if (again.active) await append(createEnvelope(DoseRecorded, 'immunization', again.p.personId, again.p));
      } else {
        await h.drain();
        // The consumer crashes after applying but before saving its position: it sees events again (inbox).
        if (r.next() < 0.5) {
          await em.execute(`update event_consumer set position = greatest(0, position - ?) where name = 'reporting.coverage'`, [
            1 + r.int(40),
          ]);
        }
      }
    }
    await h.drain();
    await expectMatches(model);

    // npm run replay -- reporting: empty the projection and rebuild it from the retained log.
    const rebuilt = await h.service.runtime.events.consumers.find((c) => c.name === 'reporting.coverage')!.rebuild();
    expect(rebuilt).toBeGreaterThan(0);
    await expectMatches(model);
  });
});
