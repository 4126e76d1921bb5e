import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown() {
  const state = globalThis.__VICTORI_PG__;
  if (!state) return;
  await state.pg.stop();
  rmSync(path.dirname(state.dataDir), { recursive: true, force: true });
}
