import path from 'node:path';
import { parseArgs } from 'node:util';
// Only jose-backed signing and node built-ins: the platform library and Apollo would add a second.
import { DEFAULT_JWT_MAX_LIFETIME_S, ensureDevKeyPair, readPem, signToken, type TokenRequest } from '@victori/gateway/dist/dev-keys.js';
import { JWT_AUDIENCE, JWT_ISSUER } from './jwt.js';
import { LOCAL_DIR } from './local.js';

const TOKEN_ROLES: readonly TokenRequest['role'][] = ['citizen', 'health-worker', 'admin', 'partner'];

const HELP = `npm run -s token -- --role <role> [--facility <id>] [--sub <account>] [--ttl <seconds>]

Prints a signed development token (ES256, the key in .data/keys) and nothing else, so that
  TOKEN=$(npm run -s token -- --role admin)
captures only the token (-s keeps npm's own "> script" banner out of stdout).

  --role       ${TOKEN_ROLES.join(' | ')}
  --facility   the facility id a health-worker is bound to (required for health-worker),
               e.g. 6f1c2a10-0000-4000-8000-000000000002 (Puskesmas Miroto)
  --sub        the account id (default <role>-dev); a citizen's bookings belong to it
  --ttl        lifetime in seconds (default 28800, 8 hours)
  --help       this text
`;

/** A mistake in the arguments: a one-line message and the usage, never a stack trace. */
function usage(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

/** `npm run -s token -- --role health-worker --facility <id> [--sub <account>] [--ttl <seconds>]`: a local dev token. */
async function main(): Promise<void> {
  let values: { role?: string; facility?: string; sub?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        facility: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const role = values.role as TokenRequest['role'] | undefined;
  if (!role || !(TOKEN_ROLES as readonly string[]).includes(role)) usage(`--role must be one of ${TOKEN_ROLES.join(', ')}`);
  if (role === 'health-worker' && !values.facility) usage('--facility <id> is required for a health-worker token');
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  // The gateway refuses tokens that live longer than GATEWAY_JWT_MAX_LIFETIME_S (default 24 h).
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > DEFAULT_JWT_MAX_LIFETIME_S)) {
    usage(`--ttl must be 1 to ${DEFAULT_JWT_MAX_LIFETIME_S} seconds`);
  }
  const keys = await ensureDevKeyPair(path.join(LOCAL_DIR, 'keys'));
  const token = await signToken(readPem(keys.privateKeyFile), JWT_ISSUER, JWT_AUDIENCE, {
    role,
    sub: values.sub ?? `${role}-dev`,
    ...(values.facility ? { facilityId: values.facility } : {}),
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
