/**
 * The verifier offline (a school's or a border post's phone): the app's service worker (dist/sw.js, written by
 * web/scripts/service-worker.mjs from the build's file list) keeps every built file, the verifier's chunks among
 * them, so /verify reloads without network and checks against the keys and revocation lists cached in
 * localStorage. Registered on the verifier's first online visit, as the desk registers it on its own.
 */
export function keepVerifierOffline(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
