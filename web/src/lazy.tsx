import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';

const loaded = new Map<() => Promise<unknown>, ComponentType<Record<string, unknown>>>();

/**
 * A page in its own chunk (dynamic import), so the citizens' entry page does not carry staff screens.
 * Tiny on purpose: preact/compat's lazy and Suspense would pull compat into the entry.
 */
export function Lazy<P extends Record<string, unknown>>(props: {
  load: () => Promise<ComponentType<P>>;
  props: P;
  fallback: string;
}): preact.JSX.Element {
  const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded.get(props.load) as ComponentType<P> | undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Page) return;
    props
      .load()
      .then((c) => {
        loaded.set(props.load, c as ComponentType<Record<string, unknown>>);
        setPage(() => c);
      })
      .catch(() => setFailed(true));
  }, [props.load]);
  if (failed) return <p role="alert">{props.fallback}</p>;
  return Page ? <Page {...props.props} /> : <p role="status">…</p>;
}
