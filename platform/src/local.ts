import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Local state: the embedded cluster, generated secrets and dev keys. Git-ignored; VICTORI_DATA_DIR moves it. */
export const LOCAL_DIR = process.env.VICTORI_DATA_DIR ? path.resolve(process.env.VICTORI_DATA_DIR) : path.join(REPO_ROOT, '.data');

export interface LocalSecrets {
  gatewaySecret: string;
  piiKey: string;
}

export function newSecrets(): LocalSecrets {
  return { gatewaySecret: randomBytes(32).toString('base64url'), piiKey: randomBytes(32).toString('hex') };
}

/** Secrets for local runs, generated once; production passes them through the environment. */
export function localSecrets(dir = LOCAL_DIR): LocalSecrets {
  const file = path.join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dir, { recursive: true });
  const secrets = newSecrets();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
