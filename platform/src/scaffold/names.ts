/** The spellings of one new subgraph's name that the templates and registrations need. */
export interface SubgraphNames {
  /** `hpv`: the directory, the package (`@victori/hpv`), the service name, the database suffix. */
  name: string;
  /** `Hpv`: type and class names. */
  pascal: string;
  /** `hpv`: functions and fields (`hpvRecords`). */
  camel: string;
  /** `HPV`: the environment prefix (`HPV_PORT`, `HPV_DATABASE_URL`). */
  upper: string;
}

/** Names that are not subgraphs or would collide with a process, a workspace or a database of the platform. */
const RESERVED = new Set([
  'gateway',
  'edge',
  'bus',
  'shared',
  'platform',
  'web',
  'postgres',
  'node',
  'test',
  'service',
  'services',
  'data',
]);

/** The subgraphs written by hand before the scaffold: their registrations are not the scaffold's to complete. */
const HAND_WRITTEN = new Set(['booking', 'inventory', 'immunization', 'reporting', 'identity']);

/** A name becomes an env prefix (`<NAME>_PORT`), a database name and a TypeScript identifier: lowercase letters and digits only. */
const NAME = /^[a-z][a-z0-9]{1,29}$/;

export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

/**
 * Checks a proposed subgraph name and derives its spellings; refuses with a sentence that says what to change.
 * A name the scaffold made before is accepted: a second run completes what is missing and changes nothing else.
 */
export function subgraphNames(raw: string | undefined): SubgraphNames {
  if (!raw) throw new ScaffoldError('usage: npm run new:subgraph -- <name>   (lowercase letters and digits, e.g. hpv)');
  if (!NAME.test(raw)) {
    throw new ScaffoldError(
      `"${raw}" is not a usable subgraph name: use 2 to 30 lowercase letters and digits, starting with a letter (e.g. hpv, schoolbias); ` +
        'it becomes an environment prefix, a database name and a TypeScript identifier, so no hyphens, capitals or spaces',
    );
  }
  if (RESERVED.has(raw)) throw new ScaffoldError(`"${raw}" is reserved by the platform (${[...RESERVED].join(', ')}); choose another name`);
  if (HAND_WRITTEN.has(raw))
    throw new ScaffoldError(`"${raw}" is an existing subgraph of the platform (services/${raw}); choose another name`);
  const pascal = raw[0]!.toUpperCase() + raw.slice(1);
  return { name: raw, pascal, camel: raw, upper: raw.toUpperCase() };
}
