import type { DoseAuthority } from '../policy.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { makeNik, type Claims, type Orm, type PiiVault } from '@victori/shared';
import { DoseService } from '../modules/dose/dose.service.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { GuardianEntity } from '../modules/guardian/guardian.entity.js';
import { PersonService } from '../modules/person/person.service.js';
import { addDays, jakartaDate } from '../modules/schedule/schedule.dates.js';

const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const KEDUNGMUNDU = '6f1c2a10-0000-4000-8000-000000000011';

/**
 * The people of the living demo: invented, with NIKs that pass the NIK rules and are published in the
 * README so that every journey can be tried at once. Each is the account (`sub`) of a citizen token.
 */
export const DEMO_PEOPLE = {
  /** An adult with both primary COVID-19 doses seven months ago: due for BOOSTER_1. */
  adult: {
    accountId: 'demo-adult',
    nik: makeNik('337401', '1990-04-12', 'MALE', 9001),
    fullName: 'Budi Santoso',
    birthDate: '1990-04-12',
    sex: 'MALE',
    residenceKelurahanCode: '33.74.01.1001',
  },
  /** A mother of an infant born about nine weeks before the first start, with the birth dose given. */
  mother: {
    accountId: 'demo-mother',
    nik: makeNik('337401', '1996-08-09', 'FEMALE', 9002),
    fullName: 'Siti Rahayu',
    birthDate: '1996-08-09',
    sex: 'FEMALE',
    residenceKelurahanCode: '33.74.01.1001',
  },
  infantName: 'Raka Pratama',
} as const;

const citizen = (sub: string): Claims => ({ role: 'citizen', sub });
const healthWorker = (facilityId: string): Claims => ({ role: 'health-worker', sub: 'demo-seed', facilityId });
const at = (date: string, time = '09:00') => `${date}T${time}:00+07:00`;

async function hasDoses(em: EntityManager, personId: string): Promise<boolean> {
  return (await em.count(DoseRecordEntity, { personId })) > 0;
}

/**
 * Registers the demo people and their earlier doses through the person and dose services (events to
 * booking for eligibility, to inventory for stock, deliveries to SATUSEHAT), once: a citizen account
 * registering again gets its own record back, and doses are recorded only for a person without any.
 * The doses name lots that inventory's demo stock holds at the facility that gave them.
 */
export async function seedDemoPeople(orm: Orm, vault: PiiVault, now = new Date()): Promise<void> {
  const today = jakartaDate(now);
  const { adult, mother } = DEMO_PEOPLE;
  const em = () => orm.em.fork() as EntityManager;
  // Demo history is written as the facility's own past records: no appointment of that day exists, so
  // the reason the policy asks of an off-schedule dose is stated here.
  const demoHistory = (facilityId: string) => (): Promise<DoseAuthority> =>
    Promise.resolve({ facilityId, offScheduleReason: 'demo history (development seed)' });

  const budi = await new PersonService(em(), vault, citizen(adult.accountId)).registerPerson({ ...adult });
  if (!(await hasDoses(em(), budi.id))) {
    const doses = new DoseService(em(), healthWorker(BANDARHARJO));
    for (const [doseKind, daysAgo] of [
      ['PRIMARY_1', 240],
      ['PRIMARY_2', 212],
    ] as const) {
      await doses.recordDose(
        {
          personId: budi.id,
          programme: 'COVID19',
          doseKind,
          productCode: 'INDOVAC',
          lotNumber: 'IDV2409A',
          // The lot's expiry as inventory's stock seed has it (national delivery needs it).
          expirationDate: addDays(today, 270),
          administeredAt: at(addDays(today, -daysAgo)),
        },
        demoHistory(BANDARHARJO),
      );
    }
  }

  await new PersonService(em(), vault, citizen(mother.accountId)).registerPerson({ ...mother });
  const guardianOf = await em().findOne(GuardianEntity, { accountId: mother.accountId });
  if (!guardianOf) {
    const birthDate = addDays(today, -63);
    const infant = await new PersonService(em(), vault, citizen(mother.accountId)).registerChild({
      fullName: DEMO_PEOPLE.infantName,
      birthDate,
      sex: 'MALE',
      motherNik: mother.nik,
      residenceKelurahanCode: mother.residenceKelurahanCode,
      relationship: 'MOTHER',
      birthWeightGrams: 3200,
    });
    await new DoseService(em(), healthWorker(KEDUNGMUNDU)).recordDose(
      {
        personId: infant.id,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'HB0',
        lotNumber: 'HB2410U',
        expirationDate: addDays(today, 270),
        administeredAt: at(birthDate, '10:00'),
      },
      demoHistory(KEDUNGMUNDU),
    );
  }
}
