import { Elysia } from "elysia";
import type { Authenticator } from "../auth/authenticator.ts";

/**
 * Adds `principal` to every route registered after it. It runs as a derive
 * (transform stage) so a bad key is answered with 401 before the body is
 * validated.
 */
export const authentication = (authenticator: Authenticator) =>
  new Elysia({ name: "authentication" }).derive({ as: "scoped" }, async ({ request }) => ({
    principal: await authenticator.authenticate(request.headers.get("authorization")),
  }));
