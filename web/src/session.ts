import { useEffect, useState } from 'preact/hooks';
import { auth, type AuthSession } from './auth.js';

/**
 * The signed-in session, following refreshes and sign-outs (also from other tabs). Every page reads it
 * here: the session restored at page load may arrive between the first render and the subscription
 * (effects run after paint), so the effect reads it again once subscribed. A page that subscribed
 * without that stayed "signed out" for good (the desk never sent its entries; the header showed no
 * sign-out) whenever the refresh answer landed in that gap.
 */
export function useSession(): AuthSession | undefined {
  const [session, setSession] = useState(auth.current);
  useEffect(() => {
    const off = auth.subscribe(setSession);
    setSession(auth.current);
    return off;
  }, []);
  return session;
}
