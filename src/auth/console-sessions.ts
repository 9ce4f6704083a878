import { eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adminKeys, consoleSessions } from "../db/schema.ts";
import { invalidSession } from "../errors.ts";
import { randomBase62 } from "../util/random.ts";
import { constantTimeEqual, hashApiKey } from "./api-key.ts";
import { type AdminPrincipal, Authenticator, markAdminKeysUsed } from "./authenticator.ts";
import { KeyCache } from "./key-cache.ts";

export const SESSION_COOKIE = "opentoken_session";
/** How long a console sign-in lasts, enforced by the database row (the cookie's Max-Age only mirrors it). */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** The cookie goes to the management API only: never to /v1, the docs or the page itself. */
export const SESSION_COOKIE_PATH = "/admin/v1";

/** A management key's console sign-in, as a request authenticated by its cookie carries it. */
export interface ConsoleSession {
  tokenHash: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Signs a management key in: a random session token (kept by the browser in
 * an HttpOnly cookie, stored here as its hash like keys) and a CSRF token.
 * Ended sessions of every key are swept first: sign-ins are rare.
 */
export async function createSession(db: Database, adminKeyId: string, now = new Date()) {
  await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, sql`now()`));
  const token = `ots_${randomBase62(43)}`;
  const [row] = await db
    .insert(consoleSessions)
    .values({
      tokenHash: hashApiKey(token),
      adminKeyId,
      csrfToken: randomBase62(43),
      expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000),
    })
    .returning();
  return { token, row: row! };
}

export async function endSession(db: Database, tokenHash: string) {
  await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash));
}

/** The session token of a Cookie header; undefined without one. */
export function sessionCookie(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [name, value] = part.split("=", 2);
    if (name?.trim() === SESSION_COOKIE && value) return value.trim();
  }
  return undefined;
}

/** Set-Cookie for a session; `secure` when the page came over HTTPS (directly or through a proxy that says so). */
export function sessionSetCookie(token: string, maxAgeSeconds: number, secure: boolean) {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=${SESSION_COOKIE_PATH}; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export const csrfMatches = (session: ConsoleSession, header: string | null) => header !== null && constantTimeEqual(header, session.csrfToken);

const INVALID = invalidSession();

export type SessionAuthenticator = Authenticator<AdminPrincipal>;

/**
 * Console sessions checked from memory, like keys: a session's first use
 * reads it (with its management key) from the database, any gateway sharing
 * it accepts the cookie, and a revoked management key ends its sessions
 * within KEY_CACHE_SECONDS. Expiry is exact; an ended or expired session is
 * one 401 invalid_session. A session's use stamps its key's last_used_at.
 */
export const sessionAuthenticator = (db: Database, refreshMs: number): SessionAuthenticator =>
  new Authenticator(
    new KeyCache<AdminPrincipal>(
      {
        load: async (hashes) =>
          (
            await db
              .select({ session: consoleSessions, key: adminKeys })
              .from(consoleSessions)
              .innerJoin(adminKeys, eq(adminKeys.id, consoleSessions.adminKeyId))
              .where(inArray(consoleSessions.tokenHash, hashes))
          ).map(({ session, key }) => ({
            id: key.id,
            keyHash: session.tokenHash,
            expiresAt: session.expiresAt.getTime(),
            revoked: key.revokedAt !== null,
            principal: {
              adminKeyId: key.id,
              name: key.name,
              session: { tokenHash: session.tokenHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
            },
          })),
        markUsed: markAdminKeysUsed(db),
      },
      refreshMs,
    ),
    () => INVALID,
  );
