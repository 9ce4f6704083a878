import { Type as t } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { ConsoleSession } from "../../admin/stats-schemas.ts";
import type { AdminPrincipal } from "../../auth/authenticator.ts";
import { createSession, endSession, type SessionAuthenticator, SESSION_TTL_SECONDS, sessionSetCookie } from "../../auth/console-sessions.ts";
import type { Database } from "../../db/client.ts";
import { invalidRequest, resourceNotFound } from "../../errors.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail } from "./admin-common.ts";

const presentSession = (admin: AdminPrincipal, session: { csrfToken: string; expiresAt: Date }) =>
  JSON.stringify({
    object: "console_session",
    admin_key: { id: admin.adminKeyId, name: admin.name },
    csrf_token: session.csrfToken,
    expires_at: session.expiresAt.toISOString(),
  });

/** Behind a TLS-terminating proxy the gateway sees http: the proxy's X-Forwarded-Proto says what the browser used. */
const overHttps = (request: Request) => request.url.startsWith("https:") || request.headers.get("x-forwarded-proto") === "https";

/** The session a cookie-authenticated call came with; a bearer call has none. */
function sessionOf(admin: AdminPrincipal | undefined) {
  if (!admin?.session) throw resourceNotFound("no console session: this call was authenticated by a management key, not the console's cookie");
  return admin.session;
}

/** The console's sign-in: a management key exchanged for an HttpOnly session cookie, and sign-out. */
export const adminSessionRoutes = (db: Database, sessions: SessionAuthenticator) =>
  new Elysia({ name: "admin-session" })
    .use(requestContext)
    .post(
      "/admin/v1/session",
      async ({ ctx, request }) => {
        const admin = ctx.admin!;
        if (admin.session) throw invalidRequest("sign in with a management key (Authorization: Bearer), not with a session");
        const { token, row } = await createSession(db, admin.adminKeyId);
        const reply = jsonResponse(presentSession(admin, row), ctx, 201);
        reply.headers.set("set-cookie", sessionSetCookie(token, SESSION_TTL_SECONDS, overHttps(request)));
        reply.headers.set("cache-control", "no-store");
        return reply;
      },
      {
        body: t.Object({}, { additionalProperties: false }),
        detail: adminDetail(
          "Sign in to the console",
          `Exchanges the management key of the Authorization header for a session: an HttpOnly, SameSite=Strict cookie on /admin/v1 that authenticates the management API for ${SESSION_TTL_SECONDS / 3600} hours, and a CSRF token that every state-changing call made with the cookie must send as X-CSRF-Token. Send an empty JSON object.`,
          { status: 201, schema: ConsoleSession, description: "The session (its token is in the cookie only)" },
        ),
      },
    )
    .get("/admin/v1/session", ({ ctx }) => jsonResponse(presentSession(ctx.admin!, sessionOf(ctx.admin)), ctx), {
      detail: adminDetail(
        "The current console session",
        "Who is signed in, until when, and the CSRF token (a page reloaded keeps its cookie, not the token).",
        { schema: ConsoleSession, description: "The session" },
        { 404: "not_found: the call came with a management key, not a session cookie" },
      ),
    })
    .delete(
      "/admin/v1/session",
      async ({ ctx, request }) => {
        const session = sessionOf(ctx.admin);
        await endSession(db, session.tokenHash);
        sessions.forget(session.tokenHash);
        const reply = jsonResponse(JSON.stringify({ object: "console_session", deleted: true }), ctx);
        reply.headers.set("set-cookie", sessionSetCookie("", 0, overHttps(request)));
        return reply;
      },
      {
        detail: adminDetail(
          "Sign out of the console",
          "Ends the cookie's session on every gateway (at once here, within KEY_CACHE_SECONDS elsewhere) and clears the cookie.",
          { schema: t.Object({ object: t.Literal("console_session"), deleted: t.Literal(true) }), description: "Signed out" },
          { 404: "not_found: the call came with a management key, not a session cookie" },
        ),
      },
    );
