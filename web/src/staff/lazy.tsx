import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';

/**
 * A staff page loaded by dynamic import, so the citizens' entry JavaScript does not carry it. Shows a
 * short status while the chunk arrives; a chunk that fails to load (offline, new release) says so.
 */
export function LazyPage<P extends object>(props: { load: () => Promise<ComponentType<P>>; props: P }): preact.JSX.Element {
  const [Page, setPage] = useState<ComponentType<P> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const { load } = props;
  useEffect(() => {
    let live = true;
    load().then(
      (p) => live && setPage(() => p),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (failed)
    return (
      <p role="alert">
        Halaman tidak dapat dimuat; muat ulang. <span lang="en">The page could not be loaded; reload.</span>
      </p>
    );
  if (!Page) return <p role="status">…</p>;
  return <Page {...props.props} />;
}
