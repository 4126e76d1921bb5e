import type { EntityManager } from '@mikro-orm/postgresql';
import { initOrm, QueryCounter, type Orm } from './orm.js';
import { executePrepared, MAX_PREPARED, preparedStatementName, sql, sqlBound, sqlPrepared } from './sql.js';
import { freshDatabase } from './testing/index.js';

/**
 * Hot statements are prepared: PostgreSQL plans them once per connection. What a caller would notice if
 * it broke: the same rows as the unprepared statement, the statement really named on the connection
 * (pg_prepared_statements), inside a transaction as outside, and counted like every other statement.
 */
describe('prepared statements (sqlPrepared)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: Orm;
  const counter = new QueryCounter();
  const em = (): EntityManager => orm.em.fork() as EntityManager;
  beforeAll(async () => {
    db = await freshDatabase('sqlprepared');
    // One connection: what one statement prepared is visible to the next one on it.
    orm = await initOrm({ databaseUrl: db.url, entities: [], migrations: [], poolSize: 1, queryCounter: counter });
    await sql(
      em(),
      `create table place (id int primary key, name text not null, kecamatan text not null, tags text[] not null default '{}')`,
    );
    await sql(
      em(),
      `insert into place (id, name, kecamatan, tags) values (1, 'Miroto', 'Semarang Tengah', '{a,b}'), (2, 'Bandarharjo', 'Semarang Utara', '{b}'), (3, 'Kagok', 'Candisari', '{}')`,
    );
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  const SEARCH = `select id, name from place where kecamatan like :prefix || '%' and id <> :not order by id`;
  const prepared = async (): Promise<string[]> =>
    (await sql<{ statement: string }>(em(), `select statement from pg_prepared_statements order by statement`)).map((r) => r.statement);

  test('answers what the unprepared statement answers, and the statement is named on the connection', async () => {
    const params = { prefix: 'Semarang', not: 2 };
    const plain = await sql(em(), SEARCH, params);
    expect(plain).toEqual([{ id: 1, name: 'Miroto' }]);
    expect(await prepared()).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await sqlPrepared(em(), SEARCH, params)).toEqual(plain);
    expect(await sqlPrepared(em(), SEARCH, { prefix: '', not: 1 })).toEqual([
      { id: 2, name: 'Bandarharjo' },
      { id: 3, name: 'Kagok' },
    ]);
    // One prepared statement for the text, whatever the values.
    expect(await prepared()).toEqual([`select id, name from place where kecamatan like $1 || '%' and id <> $2 order by id`]);
    expect(preparedStatementName(`select id, name from place where kecamatan like $1 || '%' and id <> $2 order by id`)).toMatch(
      /^victori_[0-9a-f]{24}$/,
    );
  });

  test('binds arrays as PostgreSQL arrays, runs inside the caller’s transaction and rolls back with it', async () => {
    const rows = await sqlPrepared<{ id: number }>(em(), `select id from place where id = any(:ids::int[]) order by id`, { ids: [3, 1] });
    expect(rows.map((r) => r.id)).toEqual([1, 3]);
    await expect(
      em().transactional(async (tx) => {
        await executePrepared(tx as EntityManager, `update place set name = $1 where id = $2`, ['Miroto Baru', 1]);
        const [seen] = await sqlPrepared<{ name: string }>(tx as EntityManager, `select name from place where id = :id`, { id: 1 });
        expect(seen!.name).toBe('Miroto Baru');
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const [after] = await sqlPrepared<{ name: string }>(em(), `select name from place where id = :id`, { id: 1 });
    expect(after!.name).toBe('Miroto');
  });

  test('a wrong value is the database’s error, and the connection goes on serving', async () => {
    await expect(sqlPrepared(em(), `select id from place where id = :id`, { id: 'not a number' })).rejects.toThrow(/integer/);
    expect(await sqlPrepared(em(), `select id from place where id = :id`, { id: 2 })).toEqual([{ id: 2 }]);
  });

  test('prepared and bound statements are counted as the ORM’s own are', async () => {
    counter.reset();
    await sqlPrepared(em(), `select id from place where id = :id`, { id: 3 });
    await sqlBound(em(), `select id from place where id = :id`, { id: 3 });
    await sql(em(), `select id from place where id = :id`, { id: 3 });
    expect(counter.count).toBe(3);
  });

  test(`at most ${MAX_PREPARED} texts are prepared per process; past that a statement runs unnamed and still answers`, async () => {
    const before = (await prepared()).length;
    for (let i = 0; i < MAX_PREPARED + 5; i++) {
      expect(await sqlPrepared(em(), `select id from place where id = :id and ${i} = ${i}`, { id: 1 })).toEqual([{ id: 1 }]);
    }
    const after = (await prepared()).length;
    expect(after).toBeLessThanOrEqual(MAX_PREPARED);
    expect(after).toBeGreaterThan(before);
    expect(preparedStatementName(`select id from place where id = $1 and ${MAX_PREPARED + 4} = ${MAX_PREPARED + 4}`)).toBeUndefined();
  });
});
