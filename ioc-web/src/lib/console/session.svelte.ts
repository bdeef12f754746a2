import { api, type Me } from './api';

/** Who is signed in, shared by the console's header and pages; `loaded` once /api/auth/me answered. */
export const session = $state<{ me: Me | null; loaded: boolean }>({ me: null, loaded: false });

/** Asks the server who we are (no redirect: a page decides what to do with nobody). */
export async function refreshSession(): Promise<Me | null> {
  session.me = await api.me();
  session.loaded = true;
  return session.me;
}
