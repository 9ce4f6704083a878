import type { AdminAuthenticator, AdminPrincipal } from "../auth/authenticator.ts";
import { csrfMatches, type SessionAuthenticator, sessionCookie } from "../auth/console-sessions.ts";
import { forbidden } from "../errors.ts";

const READ_ONLY = new Set(["GET", "HEAD"]);
const NO_CSRF_TOKEN = forbidden("a call that changes something with the console's session cookie needs its X-CSRF-Token header (from sign-in)");

/**
 * Who calls /admin/v1: a bearer management key, as always, or else the
 * console's session cookie. A cookie alone cannot change anything: a
 * cross-site page can make the browser send it (SameSite=Strict aside),
 * never read the CSRF token that must come with it.
 */
export async function authenticateAdmin(request: Request, keys: AdminAuthenticator, sessions: SessionAuthenticator): Promise<AdminPrincipal> {
  const authorization = request.headers.get("authorization");
  const token = authorization === null ? sessionCookie(request.headers.get("cookie")) : undefined;
  if (token === undefined) return keys.authenticate(authorization);
  const principal = await sessions.authenticateToken(token);
  if (!READ_ONLY.has(request.method) && !csrfMatches(principal.session!, request.headers.get("x-csrf-token"))) throw NO_CSRF_TOKEN;
  return principal;
}
