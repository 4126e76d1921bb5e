import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The web app's static files (web/dist) on the public origin, so the app and /graphql share one origin
 * (no CORS). Hashed assets (/assets/*) are immutable for a year; index.html and other unhashed files are
 * revalidated every time, so a new release is picked up at the next load. A path without a file
 * extension that is no file is an app route and gets index.html (SPA fallback).
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

async function fileAt(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Answers a GET or HEAD for the web app; false when it is not one (or the app is not built). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, root: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const relative = normalize(decoded === '/' ? '/index.html' : decoded);
  const path = join(root, relative);
  // Nothing outside the web root, whatever the path spells.
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  let file = path;
  let size = await fileAt(file);
  if (size === undefined) {
    if (extname(relative) !== '') return false;
    file = join(root, 'index.html');
    size = await fileAt(file);
    if (size === undefined) return false;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const hashed = relative.startsWith(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    'cache-control': hashed ? IMMUTABLE : REVALIDATE,
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
  return true;
}
