import type { SubgraphNames } from './names.js';

/**
 * The files of a new subgraph, in the one module shape (docs/module-shape.md): a sample aggregate
 * `<Name>Record` that a facility's staff keep, with everything a real aggregate has: a `@key` entity and
 * its batched reference resolver, an extension of booking's Facility through a key-only stub, a policy
 * decided first in every service function, a store with the SQL, a migration, an event published
 * through the outbox, typed config, unit and integration tests. Rename or replace it; keep the shape.
 */
export function subgraphFiles(n: SubgraphNames, now = new Date()): Record<string, string> {
  const { name, pascal: P, camel: c, upper: U } = n;
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const migration = `Migration${stamp}_${name}`;
  const dir = `services/${name}`;
  const rec = `${dir}/src/modules/record`;
  return {
    [`${dir}/package.json`]:
      JSON.stringify(
        {
          name: `@victori/${name}`,
          version: '0.1.0',
          private: true,
          type: 'module',
          main: 'dist/index.js',
          dependencies: {
            '@apollo/server': '5.5.1',
            '@apollo/subgraph': '2.15.1',
            '@mikro-orm/core': '7.2.1',
            '@mikro-orm/decorators': '7.2.1',
            '@mikro-orm/migrations': '7.2.1',
            '@mikro-orm/postgresql': '7.2.1',
            '@victori/shared': '0.1.0',
            dataloader: '2.2.3',
            graphql: '16.15.0',
            pg: '8.23.0',
            'reflect-metadata': '0.2.2',
            'type-graphql': '2.0.0-rc.4',
          },
          exports: {
            '.': { types: './dist/index.d.ts', default: './dist/index.js' },
            './service': { types: './dist/service.d.ts', default: './dist/service.js' },
          },
        },
        null,
        2,
      ) + '\n',

    [`${dir}/tsconfig.json`]: `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"],
  "references": [{ "path": "../../shared" }]
}
`,

    [`${dir}/README.md`]: `# ${name} subgraph (VICTORI)

Made with \`npm run new:subgraph ${name}\`. Replace this paragraph with what the subgraph is for and who
uses it. Its default port is \`DEFAULT_PORTS.${name}\` in \`shared/src/config.ts\`; its database \`${U}_DATABASE_URL\`.

## What it owns

| entity      | key                  | notes                                                                          |
| ----------- | -------------------- | ------------------------------------------------------------------------------ |
| \`${P}Record\` | \`@key(fields: "id")\` | the sample aggregate: a titled record kept by one facility (\`facilityId\`); rename it |

It extends booking's \`Facility\` (key-only stub in \`src/external/\`) with \`${c}Records\`.

Queries: \`${c}Record(id)\`. Mutations: \`create${P}Record(input)\`.

## Who may do what (\`src/policy.ts\`)

| operation                                       | who                                     |
| ----------------------------------------------- | --------------------------------------- |
| \`${c}Record\`, \`Facility.${c}Records\`, \`create${P}Record\` | health workers of that facility, admins |

## Events

Out: \`${name}.record-created\` v1 (\`shared/src/events/contracts/${name}.ts\`), published in the same
transaction as the record (outbox). In: none yet; add consumers to \`${c}Service.consumers\` (\`src/service.ts\`).

## Configuration

| variable | default | meaning |
| -------- | ------- | ------- |
| \`${U}_PORT\` | see \`DEFAULT_PORTS\` | HTTP port (behind the gateway only) |
| \`${U}_DATABASE_URL\` | (required) | this subgraph's own PostgreSQL database |
| \`${U}_DB_POOL\` | 10 | connections |
| \`${U}_LIST_LIMIT\` | 100 | most records one facility's list returns (1 to 1000) |

## Layout

\`src/modules/record/\`: \`record.resolver.ts\` (arguments in, service out) → \`record.service.ts\` (policy first,
the rule from \`record.rules.ts\`, one transaction) → \`record.store.ts\` (the SQL, rows parsed into types).
Tests: \`record.rules.test.ts\` (unit), \`record.int.test.ts\` (through the edge and the gateway, real PostgreSQL).
`,

    [`${dir}/src/index.ts`]: `import { loadServiceConfig, runMain, startService } from '@victori/shared';
import { ${c}Service } from './service.js';

export { ${c}Service };

if (import.meta.url === \`file://\${process.argv[1]}\`) {
  runMain(async () => {
    const running = await startService(${c}Service, loadServiceConfig('${name}'));
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
}
`,

    [`${dir}/src/service.ts`]: `import type { ServiceDefinition } from '@victori/shared';
import { load${P}Config } from './config.js';
import { createContext, type ${P}Context } from './context.js';
import { migrations } from './migrations/index.js';
import { ${P}RecordEntity } from './modules/record/record.entity.js';
import { build${P}Schema } from './schema.js';

export const ${c}Service: ServiceDefinition<${P}Context> = {
  name: '${name}',
  entities: [${P}RecordEntity],
  migrations,
  buildSchema: () => build${P}Schema(),
  createContext,
  // A wrong ${U}_* setting refuses the start instead of failing every request.
  checkConfig: (config) => {
    load${P}Config(config.env);
  },
};
`,

    [`${dir}/src/config.ts`]: `import { Env } from '@victori/shared';

/** ${name}'s own settings (${U}_*), beside the shared ServiceConfig (port, database, secrets). */
export interface ${P}Config {
  /** Most records one facility's list returns. */
  listLimit: number;
}

export function load${P}Config(env = new Env()): ${P}Config {
  return {
    listLimit: env.int('${U}_LIST_LIMIT', 100, 1, 1000),
  };
}
`,

    [`${dir}/src/config.test.ts`]: `import { ConfigError, Env } from '@victori/shared';
import { load${P}Config } from './config.js';

describe('${name} configuration', () => {
  test('defaults without settings', () => {
    expect(load${P}Config(new Env({}))).toEqual({ listLimit: 100 });
  });

  test.each(['0', '1001', 'many'])('${U}_LIST_LIMIT=%s refuses the start, naming the variable', (value) => {
    expect(() => load${P}Config(new Env({ ${U}_LIST_LIMIT: value }))).toThrow(ConfigError);
    expect(() => load${P}Config(new Env({ ${U}_LIST_LIMIT: value }))).toThrow(/${U}_LIST_LIMIT/);
  });
});
`,

    [`${dir}/src/context.ts`]: `import type { BaseContext, ServiceRuntime } from '@victori/shared';
import { load${P}Config, type ${P}Config } from './config.js';
import { createRecordLoaders } from './modules/record/record.loader.js';

export interface ${P}Context extends BaseContext {
  config: ${P}Config;
  loaders: ReturnType<typeof createRecordLoaders>;
}

const configs = new WeakMap<ServiceRuntime, ${P}Config>();

/** The one place per-request things are made: the request's EntityManager fork (base.em) and its loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): ${P}Context {
  let config = configs.get(runtime);
  if (!config) {
    config = load${P}Config(runtime.config.env);
    configs.set(runtime, config);
  }
  return { ...base, config, loaders: createRecordLoaders(base.em, config) };
}
`,

    [`${dir}/src/policy.ts`]: `import { allowRoles, notFound, notYourFacility, type Claims } from '@victori/shared';

const RECORD = { id: 'Catatan ${name}', en: '${P} record' };

/**
 * Who may do what in ${name}: the one place every service function asks, first, before anything is looked
 * up (shared/src/policy.ts says why). Add a decision here for every new operation.
 */
export const ${c}Policy = {
  /**
   * A record: health workers of its facility and admins. Called with 'before' (roles only) and again with
   * what was found (\`facilityId\` undefined when nothing was): a stranger gets one answer either way.
   */
  record(claims: Claims, facilityId: string | undefined | 'before'): void {
    allowRoles(claims, 'health-worker', 'admin');
    if (facilityId === 'before') return;
    if (claims.role === 'admin') {
      if (facilityId === undefined) throw notFound(RECORD, 'id');
      return;
    }
    if (facilityId === undefined || claims.facilityId !== facilityId) throw notYourFacility();
  },

  /** A facility's records (list, create): its health workers and admins. */
  facilityRecords(claims: Claims, facilityId: string): void {
    allowRoles(claims, 'health-worker', 'admin');
    if (claims.role === 'health-worker' && claims.facilityId !== facilityId) throw notYourFacility();
  },
};
`,

    [`${dir}/src/schema.ts`]: `import { buildFederatedSchema } from '@victori/shared';
import { FacilityRef } from './external/facility.stub.js';
import { recordReference } from './modules/record/record.reference.js';
import { FacilityRecordsResolver, ${P}RecordResolver } from './modules/record/record.resolver.js';

export function build${P}Schema() {
  return buildFederatedSchema({ resolvers: [${P}RecordResolver, FacilityRecordsResolver], orphanedTypes: [FacilityRef] }, { ...recordReference });
}
`,

    [`${dir}/src/external/facility.stub.ts`]: `import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Booking's Facility, key only; ${name} adds its records to it. */
@Directive('@key(fields: "id")')
@ObjectType('Facility')
export class FacilityRef {
  @Field(() => ID)
  id!: string;
}

export const facilityRef = (id: string): FacilityRef => Object.assign(new FacilityRef(), { id });
`,

    [`${dir}/src/migrations/${migration}.ts`]: `import { Migration } from '@mikro-orm/migrations';

export class ${migration} extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`create table "record" (
      "id" uuid not null primary key,
      "facility_id" uuid not null,
      "title" varchar(200) not null,
      "created_by" varchar(100) not null,
      "created_at" timestamptz not null
    );\`);
    this.addSql(\`create index "record_facility_id_index" on "record" ("facility_id");\`);
  }
}
`,

    [`${dir}/src/migrations/index.ts`]: `import { ${migration} } from './${migration}.js';

/** In order; the schema test (platform/src/e2e/schema.int.test.ts) fails when they and the entities disagree. */
export const migrations = [{ name: '${migration}', class: ${migration} }];
`,

    [`${rec}/record.entity.ts`]: `import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

@Entity({ tableName: 'record' })
export class ${P}RecordEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid' })
  facilityId!: string;

  @Property({ type: 'string', length: 200 })
  title!: string;

  /** \`role:sub\` of the account that created it. */
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
`,

    [`${rec}/record.type.ts`]: `import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';

@Directive('@key(fields: "id")')
@ObjectType('${P}Record', { description: 'A record a facility keeps (the sample aggregate of the scaffold).' })
export class ${P}Record {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => FacilityRef)
  facility!: FacilityRef;

  @Field(() => String, { description: 'ISO 8601' })
  createdAt!: string;
}
`,

    [`${rec}/record.inputs.ts`]: `import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class Create${P}RecordInput {
  @Field(() => ID)
  facilityId!: string;

  @Field(() => String)
  title!: string;
}
`,

    [`${rec}/record.rules.ts`]: `import { badInput, isUuid, type Message } from '@victori/shared';

export interface RecordDraft {
  facilityId: string;
  title: string;
}

/**
 * Checks every field of a submission and reports all mistakes at once: one BAD_USER_INPUT naming the first
 * field, \`extensions.fields\` listing each (Indonesian and English). Never repeats the submitted values.
 */
export function checkRecord(input: { facilityId: string; title: string }): RecordDraft {
  const mistakes: { field: string; message: Message }[] = [];
  if (!isUuid(input.facilityId)) mistakes.push({ field: 'facilityId', message: { id: 'ID fasilitas tidak valid', en: 'Invalid facility id' } });
  const title = input.title.trim().replace(/\\s+/g, ' ');
  if (title.length < 3 || title.length > 200) {
    mistakes.push({ field: 'title', message: { id: 'Judul harus 3 sampai 200 karakter', en: 'The title must be 3 to 200 characters' } });
  }
  const first = mistakes[0];
  if (first) {
    throw badInput(first.field, first.message, {
      fields: mistakes.map((m) => ({ field: m.field, message: m.message.id, messageEn: m.message.en })),
    });
  }
  return { facilityId: input.facilityId.toLowerCase(), title };
}
`,

    [`${rec}/record.rules.test.ts`]: `import { AppError } from '@victori/shared';
import { checkRecord } from './record.rules.js';

const FACILITY = '6f1c2a10-0000-4000-8000-000000000002';

describe('a ${name} record submission', () => {
  test('is tidied: spaces collapsed, the facility id lowercased', () => {
    expect(checkRecord({ facilityId: FACILITY.toUpperCase(), title: '  Kunjungan   sekolah ' })).toEqual({
      facilityId: FACILITY,
      title: 'Kunjungan sekolah',
    });
  });

  test('with two wrong fields reports both at once, in both languages, without the values', () => {
    let error: unknown;
    try {
      checkRecord({ facilityId: 'not-an-id', title: 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const extensions = (error as AppError).extensions;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    expect(extensions.fields).toEqual([
      { field: 'facilityId', message: 'ID fasilitas tidak valid', messageEn: 'Invalid facility id' },
      { field: 'title', message: 'Judul harus 3 sampai 200 karakter', messageEn: 'The title must be 3 to 200 characters' },
    ]);
    expect(JSON.stringify(extensions)).not.toContain('not-an-id');
  });

  test.each([
    ['ab', false],
    ['abc', true],
    ['x'.repeat(200), true],
    ['x'.repeat(201), false],
  ])('title of %#: accepted %s', (title, ok) => {
    const run = () => checkRecord({ facilityId: FACILITY, title });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(AppError);
  });
});
`,

    [`${rec}/record.store.ts`]: `import type { EntityManager } from '@mikro-orm/postgresql';
import { ${P}RecordEntity } from './record.entity.js';

/** A record as the rest of the service sees it (no ORM entity, no column names). */
export interface RecordRow {
  id: string;
  facilityId: string;
  title: string;
  createdBy: string;
  createdAt: Date;
}

const toRow = (e: ${P}RecordEntity): RecordRow => ({ id: e.id, facilityId: e.facilityId, title: e.title, createdBy: e.createdBy, createdAt: e.createdAt });

/** The records with these ids (any order). */
export async function findRecords(em: EntityManager, args: { ids: readonly string[] }): Promise<RecordRow[]> {
  if (args.ids.length === 0) return [];
  const rows = await em.find(${P}RecordEntity, { id: { $in: [...args.ids] } });
  return rows.map(toRow);
}

/** The newest records of each of these facilities, at most \`limitEach\` per facility, newest first. */
export async function recordsOfFacilities(em: EntityManager, args: { facilityIds: readonly string[]; limitEach: number }): Promise<RecordRow[]> {
  if (args.facilityIds.length === 0) return [];
  const rows = await em.find(${P}RecordEntity, { facilityId: { $in: [...args.facilityIds] } }, { orderBy: { createdAt: 'desc', id: 'asc' } });
  const seen = new Map<string, number>();
  return rows
    .filter((r) => {
      const n = (seen.get(r.facilityId) ?? 0) + 1;
      seen.set(r.facilityId, n);
      return n <= args.limitEach;
    })
    .map(toRow);
}

/** Inserts one record with the caller's transaction handle. */
export async function insertRecord(tx: EntityManager, row: RecordRow): Promise<RecordRow> {
  const entity = tx.create(${P}RecordEntity, { ...row });
  await tx.persist(entity).flush();
  return toRow(entity);
}
`,

    [`${rec}/record.loader.ts`]: `import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '@victori/shared';
import type { ${P}Config } from '../../config.js';
import { findRecords, recordsOfFacilities, type RecordRow } from './record.store.js';

/** Per-request loaders: every record and every facility's list in one statement per tick (no N+1). */
export function createRecordLoaders(em: EntityManager, config: ${P}Config) {
  return {
    record: new DataLoader<string, RecordRow | null>(async (ids) => {
      const rows = await findRecords(em, { ids: ids.filter(isUuid) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    facilityRecords: new DataLoader<string, RecordRow[]>(async (facilityIds) => {
      const rows = await recordsOfFacilities(em, { facilityIds: facilityIds.filter(isUuid), limitEach: config.listLimit });
      return facilityIds.map((id) => rows.filter((r) => r.facilityId === id));
    }),
  };
}
`,

    [`${rec}/record.reference.ts`]: `import type { ${P}Context } from '../../context.js';
import { ${c}Policy } from '../../policy.js';
import { toRecord } from './record.resolver.js';

/** Federation: other subgraphs' \`${P}Record { id }\` resolved here, batched through the request's loader. */
export const recordReference = {
  ${P}Record: {
    async __resolveReference(ref: { id: string }, ctx: ${P}Context) {
      ${c}Policy.record(ctx.request.claims, 'before');
      const row = await ctx.loaders.record.load(ref.id);
      if (!row) return null;
      ${c}Policy.record(ctx.request.claims, row.facilityId);
      return toRecord(row);
    },
  },
};
`,

    [`${rec}/record.service.ts`]: `import { randomUUID } from 'node:crypto';
import { publish } from '@victori/shared';
import { ${P}RecordCreated } from '@victori/shared';
import type { ${P}Context } from '../../context.js';
import { ${c}Policy } from '../../policy.js';
import { checkRecord } from './record.rules.js';
import { insertRecord, type RecordRow } from './record.store.js';

/** The row type, for the resolver (which never imports the store itself). */
export type { RecordRow };

const actorOf = (ctx: ${P}Context): string => \`\${ctx.request.claims.role}:\${ctx.request.claims.sub ?? 'unknown'}\`;

/** One record by id: its facility's health workers and admins. */
export async function getRecord(ctx: ${P}Context, id: string): Promise<RecordRow> {
  ${c}Policy.record(ctx.request.claims, 'before');
  const row = await ctx.loaders.record.load(id);
  ${c}Policy.record(ctx.request.claims, row?.facilityId);
  return row!;
}

/** A facility's newest records (at most ${U}_LIST_LIMIT). */
export async function facilityRecords(ctx: ${P}Context, facilityId: string): Promise<RecordRow[]> {
  ${c}Policy.facilityRecords(ctx.request.claims, facilityId);
  return ctx.loaders.facilityRecords.load(facilityId);
}

/** Creates a record and publishes \`${name}.record-created\` in the same transaction. */
export async function createRecord(ctx: ${P}Context, input: { facilityId: string; title: string }): Promise<RecordRow> {
  ${c}Policy.facilityRecords(ctx.request.claims, input.facilityId);
  const draft = checkRecord(input);
  return ctx.em.transactional(async (tx) => {
    const row = await insertRecord(tx, { id: randomUUID(), ...draft, createdBy: actorOf(ctx), createdAt: new Date() });
    await publish(tx, '${name}', ${P}RecordCreated, row.id, { recordId: row.id, facilityId: row.facilityId, at: row.createdAt.toISOString() });
    return row;
  });
}
`,

    [`${rec}/record.resolver.ts`]: `import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ${P}Context } from '../../context.js';
import { FacilityRef, facilityRef } from '../../external/facility.stub.js';
import { Create${P}RecordInput } from './record.inputs.js';
import { createRecord, facilityRecords, getRecord, type RecordRow } from './record.service.js';
import { ${P}Record } from './record.type.js';

export const toRecord = (row: RecordRow): ${P}Record =>
  Object.assign(new ${P}Record(), { id: row.id, title: row.title, facility: facilityRef(row.facilityId), createdAt: row.createdAt.toISOString() });

@Resolver(() => ${P}Record)
export class ${P}RecordResolver {
  @Query(() => ${P}Record, { description: 'One record. Health workers of its facility and admins.' })
  async ${c}Record(@Ctx() ctx: ${P}Context, @Arg('id', () => ID) id: string): Promise<${P}Record> {
    return toRecord(await getRecord(ctx, id));
  }

  @Mutation(() => ${P}Record, { description: 'Creates a record of a facility. Its health workers and admins.' })
  async create${P}Record(@Ctx() ctx: ${P}Context, @Arg('input', () => Create${P}RecordInput) input: Create${P}RecordInput): Promise<${P}Record> {
    return toRecord(await createRecord(ctx, input));
  }
}

@Resolver(() => FacilityRef)
export class FacilityRecordsResolver {
  @FieldResolver(() => [${P}Record], { description: "The facility's newest ${name} records. Its health workers and admins." })
  async ${c}Records(@Root() facility: FacilityRef, @Ctx() ctx: ${P}Context): Promise<${P}Record[]> {
    return (await facilityRecords(ctx, facility.id)).map(toRecord);
  }
}
`,

    [`${rec}/record.int.test.ts`]: `import { randomUUID } from 'node:crypto';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { encodeClaims, Env, HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, QueryCounter, signClaims } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../../platform/src/testing.js';

/** Demo facilities (data/demo-facilities.csv), seeded by booking. */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';

const CREATE = \`mutation($i: Create${P}RecordInput!) { create${P}Record(input: $i) { id title facility { id name } } }\`;

describe('${name} records through the edge and the gateway', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  let url: string;
  const queries = new QueryCounter();
  const tokens: Record<string, string> = {};
  const as = (who: string, query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, { token: tokens[who] });

  beforeAll(async () => {
    platform = await startTestPlatform('${name}-records', { queryCounters: { ${name}: queries } });
    edge = await startEdge(loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin, LOG_LEVEL: 'silent' })));
    url = edge.url;
    tokens.miroto = await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    tokens.bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO });
    tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    tokens.citizen = await platform.token({ role: 'citizen', sub: 'citizen-1' });
  });
  afterAll(async () => {
    await edge?.close();
    await platform?.close();
  });

  test("a facility's health worker creates a record; it joins booking's facility in one answer", async () => {
    const res = await as('miroto', CREATE, { i: { facilityId: MIROTO, title: '  Kunjungan   sekolah ' } });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      create${P}Record: { id: expect.any(String), title: 'Kunjungan sekolah', facility: { id: MIROTO, name: expect.stringContaining('Miroto') } },
    });
  });

  test('another facility\\'s health worker and citizens are refused; nothing is written', async () => {
    const other = await as('bandarharjo', CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const citizen = await as('citizen', CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(citizen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await gql(url, CREATE, { i: { facilityId: MIROTO, title: 'Bukan milik saya' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const list = await as('admin', \`query($id: ID!) { facility(id: $id) { ${c}Records { title } } }\`, { id: MIROTO });
    expect(list.data).toEqual({ facility: { ${c}Records: [{ title: 'Kunjungan sekolah' }] } });
  });

  test('a submission with two wrong fields gets both errors at once, in Indonesian and English', async () => {
    const res = await as('admin', CREATE, { i: { facilityId: MIROTO, title: 'x' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title', messageEn: 'The title must be 3 to 200 characters' });
    const both = await as('admin', CREATE, { i: { facilityId: 'nope', title: '' } });
    expect(both.errors?.[0]?.extensions?.fields).toHaveLength(2);
  });

  test('a record is a federated entity: references are resolved in one batched statement, behind the policy', async () => {
    const created = await Promise.all(
      ['Satu', 'Dua', 'Tiga'].map((t) => as('miroto', CREATE, { i: { facilityId: MIROTO, title: \`Catatan \${t}\` } })),
    );
    const ids = created.map((r) => (r.data as { create${P}Record: { id: string } }).create${P}Record.id);
    const one = await as('miroto', \`query($id: ID!) { ${c}Record(id: $id) { id title facility { id } } }\`, { id: ids[0] });
    expect(one.data).toEqual({ ${c}Record: { id: ids[0], title: 'Catatan Satu', facility: { id: MIROTO } } });
    // What the gateway sends when another subgraph returns ${P}Record { id }: one _entities call, signed.
    const claims = encodeClaims({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    const requestId = randomUUID();
    queries.reset();
    const res = await fetch(platform.services.${name}.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [HEADER_REQUEST_ID]: requestId,
        [HEADER_CLAIMS]: claims,
        [HEADER_SIGNATURE]: signClaims(platform.secrets.gatewaySecret, requestId, claims),
      },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on ${P}Record { id title } } }',
        variables: { r: ids.map((id) => ({ __typename: '${P}Record', id })) },
      }),
    });
    const body = (await res.json()) as { data: { _entities: { id: string; title: string }[] } };
    expect(body.data._entities.map((e) => e.title)).toEqual(['Catatan Satu', 'Catatan Dua', 'Catatan Tiga']);
    expect(queries.count).toBe(1);
  });

  test('one answer for a stranger whether a record exists or not; admins learn it does not', async () => {
    const list = await as('miroto', \`query($id: ID!) { facility(id: $id) { ${c}Records { id } } }\`, { id: MIROTO });
    const existing = (list.data as { facility: { ${c}Records: { id: string }[] } }).facility.${c}Records[0]!.id;
    const nobody = '00000000-0000-4000-8000-000000000000';
    const codes = async (who: string, id: string | undefined) =>
      (await as(who, \`query($id: ID!) { ${c}Record(id: $id) { id } }\`, { id })).errors?.[0]?.extensions?.code;
    expect(await codes('bandarharjo', existing)).toBe('FORBIDDEN');
    expect(await codes('bandarharjo', nobody)).toBe('FORBIDDEN');
    expect(await codes('admin', nobody)).toBe('NOT_FOUND');
  });

  test('each record is published as ${name}.record-created (outbox, then the event log)', async () => {
    const transport = platform.services.${name}.runtime.events.transport;
    const deadline = Date.now() + 15_000;
    let events = await transport.read(0, ['${name}.record-created'], 100);
    while (events.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await transport.read(0, ['${name}.record-created'], 100);
    }
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({ producer: '${name}', payload: { facilityId: MIROTO } });
  });
});
`,

    [`shared/src/events/contracts/${name}.ts`]: `import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** A ${name} record was created. aggregateId: the record id. Producer: ${name}. */
export const ${P}RecordCreated = defineEvent(
  '${name}.record-created',
  1,
  z.object({
    recordId: z.string().uuid(),
    facilityId: z.string().uuid(),
    at: z.string().datetime({ offset: true }),
  }),
);
export type ${P}RecordCreatedPayload = z.infer<typeof ${P}RecordCreated.schema>;
`,
  };
}

/** Rows of the authorization matrix (platform/src/e2e/authz-matrix.int.test.ts) for the sample's root fields. */
export function authzRows(n: SubgraphNames): string {
  return `  // ---- ${n.name} (npm run new:subgraph ${n.name})
  ${n.camel}Record: { query: \`query($id: ID!) { ${n.camel}Record(id: $id) { id } }\`, vars: () => ({ id: someId }), expect: r(U, F, F, F, F, A, F) },
  create${n.pascal}Record: {
    query: \`mutation($i: Create${n.pascal}RecordInput!) { create${n.pascal}Record(input: $i) { id } }\`,
    vars: () => ({ i: { facilityId: MIROTO, title: '' } }),
    expect: STAFF_A(),
  },`;
}
