/**
 * The app shell offline: a small service worker (dist/sw.js, written by scripts/service-worker.mjs from the
 * build's asset list) keeps every built file, so /desk opens at a posyandu without network. Registered when
 * the desk first opens online; citizens' pages never register it.
 */
export function registerShell(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
