import { loadCertsStrings } from '../i18n.js';
import { lazyPage } from '../lazy.js';

// Certificates and the verifier in their own chunks, with their strings: the citizens' entry page's budget is unchanged.
const Certificates = lazyPage(() => Promise.all([import('./certificates.js'), loadCertsStrings()]).then(([m]) => m.CertificatesPage));
const Verify = lazyPage(() => Promise.all([import('./verify.js'), loadCertsStrings()]).then(([m]) => m.VerifyPage));

/** /certificates (citizens and guardians), /certificates/<personId> (staff at the desk), /verify. */
export function CertsRoute(props: { parts: string[] }): preact.JSX.Element {
  return props.parts[0] === 'verify' ? <Verify /> : <Certificates personId={props.parts[1]} />;
}
