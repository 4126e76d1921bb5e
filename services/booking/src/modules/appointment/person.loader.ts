import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { registryPersonIds } from './appointment.store.js';

/**
 * The registry id of the person behind an appointment's identity key: `person:<id>` for one booked by
 * registry id, otherwise the NIK hash looked up in booking's projection of immunization's people (the
 * same keyed hash on both sides). Null while the person is not in the registry. Batched per request.
 */
export function createRegistryPersonLoader(em: EntityManager): DataLoader<string, string | null> {
  return new DataLoader(async (keys) => {
    const hashes = keys.filter((k) => !k.startsWith('person:'));
    const byHash = await registryPersonIds(em, hashes);
    return keys.map((k) => (k.startsWith('person:') ? k.slice('person:'.length) : (byHash.get(k) ?? null)));
  });
}
