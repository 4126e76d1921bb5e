import { useEffect, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';
import { t } from './ui.js';

/**
 * A page whose code is fetched the first time it is shown (its own chunk), so the citizen entry page's
 * JavaScript stays small on a cheap phone. A failed fetch (offline) says so, and the next visit tries again.
 */
export function lazyPage<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined;
  let pending: Promise<FunctionComponent<P>> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<FunctionComponent<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [arrived, setArrived] = useState(false);
    // Arrived after the app shell focused the (then missing) heading: focus it now, as for any new page.
    useEffect(() => {
      if (arrived) document.querySelector<HTMLElement>('main h1')?.focus();
    }, [arrived]);
    useEffect(() => {
      if (Page) return;
      pending ??= load().then((p) => (loaded = p));
      pending.then(
        (p) => {
          setPage(() => p);
          setArrived(true);
        },
        () => {
          pending = undefined;
          setFailed(true);
        },
      );
    }, [Page]);
    if (Page) return <Page {...props} />;
    return <p role="status">{failed ? t('common.network') : t('common.loading')}</p>;
  };
}
