import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, type Sex } from '@victori/shared';

/** Reads of booking's projection of immunization's registry (registry_person, registry_guardian, registry_mother) for a dependant's booking. */

/** What the registry says about a person: the facts a booking by registry id takes from it. */
export interface RegistryPerson {
  birthDate: string;
  sex: Sex;
  residenceKelurahanCode: string;
  nikHash: string | null;
}

type Row = { birth_date: string; sex: Sex; residence_kelurahan_code: string; nik_hash: string | null };
const toPerson = (r: Row): RegistryPerson => ({
  birthDate: r.birth_date,
  sex: r.sex,
  residenceKelurahanCode: r.residence_kelurahan_code,
  nikHash: r.nik_hash,
});

/** The person, when the registry linked them to this citizen account as a guardian. */
export async function personOfGuardian(em: EntityManager, k: { accountId: string; personId: string }): Promise<RegistryPerson | undefined> {
  const [row] = await sql<Row>(
    em,
    `select p.birth_date::text as birth_date, p.sex, p.residence_kelurahan_code, p.nik_hash
       from registry_person p join registry_guardian g on g.person_id = p.person_id and g.account_id = :accountId
      where p.person_id = :personId`,
    k,
  );
  return row && toPerson(row);
}

/**
 * The person, when the mother with this NIK hash is their confirmed mother link and holds an appointment
 * with this slip code (her proof that she holds the NIK).
 */
export async function personOfMother(
  em: EntityManager,
  k: { motherNikHash: string; personId: string; motherSlipCode: string },
): Promise<RegistryPerson | undefined> {
  const [row] = await sql<Row>(
    em,
    `select p.birth_date::text as birth_date, p.sex, p.residence_kelurahan_code, p.nik_hash
       from registry_person p join registry_mother m on m.person_id = p.person_id and m.mother_nik_hash = :motherNikHash
      where p.person_id = :personId and exists (select 1 from appointment a where a.nik_hash = :motherNikHash and a.slip_code = :motherSlipCode)`,
    k,
  );
  return row && toPerson(row);
}
