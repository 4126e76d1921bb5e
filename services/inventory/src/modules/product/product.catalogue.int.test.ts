import { QueryCounter, initOrm, sql, vaccineCatalogue, withEvents, type Orm } from '@victori/shared';
import { freshDatabase } from '@victori/shared/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inventoryService } from '../../service.js';
import { seedCatalogue } from '../../seeders/catalogue.seeder.js';
import { CATALOGUE_MISS_RELOAD_MS, CATALOGUE_TTL_MS, createProductLoader, ProductCatalogue } from './product.loader.js';

/**
 * The product catalogue is read once and kept: every availability search asks for products twice (the
 * session's and each stock line's), and no operation changes a product. What must hold: the same products
 * as the table, no statement per request while it is kept, and a product the table gains is found.
 */
describe('the product catalogue kept in memory', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: Orm;
  const counter = new QueryCounter();
  const em = (): EntityManager => orm.em.fork() as EntityManager;
  let now = 1_000_000;
  const catalogue = new ProductCatalogue(() => now);
  beforeAll(async () => {
    db = await freshDatabase('catalogue');
    orm = await initOrm({
      databaseUrl: db.url,
      entities: inventoryService.entities,
      migrations: withEvents(inventoryService.migrations),
      queryCounter: counter,
    });
    await orm.migrator.up();
    await seedCatalogue(orm);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  test('answers the table’s products, then no statement for many requests while it is kept', async () => {
    const codes = [...vaccineCatalogue().keys()];
    counter.reset();
    const first = await createProductLoader(em(), catalogue).loadMany(['PFIZER', 'CORONAVAC']);
    expect(first.map((p) => (p as { code: string; name: string }).code)).toEqual(['PFIZER', 'CORONAVAC']);
    expect((first[0] as { name: string }).name).toBe(vaccineCatalogue().get('PFIZER')!.name);
    expect(counter.count).toBe(1);
    counter.reset();
    for (let i = 0; i < 20; i++) {
      const loader = createProductLoader(em(), catalogue);
      expect((await loader.loadMany(codes)).every((p) => p && !(p instanceof Error))).toBe(true);
    }
    expect(counter.count).toBe(0);
    expect(catalogue.reads).toBe(1);
  });

  test('a code it lacks is null, and is looked for again at most every few seconds', async () => {
    const loader = (): ReturnType<typeof createProductLoader> => createProductLoader(em(), catalogue);
    now += CATALOGUE_MISS_RELOAD_MS; // the miss may read again
    expect(await loader().load('NEW-VAX')).toBeNull();
    const reads = catalogue.reads;
    // Asked again at once: no read (a stream of unknown codes does not become a statement each).
    for (let i = 0; i < 5; i++) expect(await loader().load('NEW-VAX')).toBeNull();
    expect(catalogue.reads).toBe(reads);
    // The table gains it (another replica's seed); after the miss interval it is found.
    await sql(
      em(),
      `insert into vaccine_product (code, name, manufacturer, antigens, programme, presentation, doses_per_vial, min_age_months, dose_kinds, uses_vvm)
       values ('NEW-VAX', 'New Vax', 'Bio Farma', '["COVID19"]', 'COVID19', 'VIAL', 10, 216, '["PRIMARY_1"]', true)`,
    );
    now += CATALOGUE_MISS_RELOAD_MS;
    expect(await loader().load('NEW-VAX')).toMatchObject({ code: 'NEW-VAX', name: 'New Vax' });
    expect(catalogue.reads).toBe(reads + 1);
  });

  test('read again when its time is up, so a renamed product shows within the lifetime', async () => {
    await sql(em(), `update vaccine_product set name = 'Pfizer-BioNTech (Comirnaty)' where code = 'PFIZER'`);
    const reads = catalogue.reads;
    expect(await createProductLoader(em(), catalogue).load('PFIZER')).toMatchObject({ name: vaccineCatalogue().get('PFIZER')!.name });
    now += CATALOGUE_TTL_MS;
    expect(await createProductLoader(em(), catalogue).load('PFIZER')).toMatchObject({ name: 'Pfizer-BioNTech (Comirnaty)' });
    expect(catalogue.reads).toBe(reads + 1);
  });
});
