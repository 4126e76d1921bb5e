import { useEffect, useState } from 'preact/hooks';
import { t } from '../ui.js';

/**
 * Certificates and the verifier load on demand (dynamic import), so the citizens' entry page keeps its
 * JavaScript budget: /certificates, /certificates/<personId> (staff at the desk), /verify.
 */
export function CertsRoute(props: { parts: string[] }): preact.JSX.Element {
  const [page, setPage] = useState<preact.JSX.Element | null>(null);
  const [which, personId] = props.parts;
  useEffect(() => {
    let live = true;
    const load =
      which === 'verify'
        ? import('./verify.js').then((m) => <m.VerifyPage />)
        : import('./certificates.js').then((m) => <m.CertificatesPage personId={personId} />);
    void load.then((element) => live && setPage(element));
    return () => {
      live = false;
    };
  }, [which, personId]);
  return page ?? <p>{t('common.loading')}</p>;
}
