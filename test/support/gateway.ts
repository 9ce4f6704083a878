import { createApiKey, type NewKeyOptions } from "../../src/auth/keys.ts";
import { loadConfig } from "../../src/config.ts";
import { createGateway } from "../../src/gateway.ts";
import { randomBase62 } from "../../src/util/random.ts";
import { createWorkspace } from "../../src/workspaces/workspaces.ts";
import { testDatabase } from "./database.ts";

/** A gateway on the test database; `env` overrides configuration variables. */
export async function startTestGateway(env: Record<string, string> = {}) {
  const database = await testDatabase();
  const config = loadConfig({ OPENTOKEN_DATA_DIR: "memory://", ...env });
  const gateway = await createGateway(config, database);
  const server = gateway.listen(0, "127.0.0.1");
  return {
    ...gateway,
    db: database.db,
    config,
    url: `http://127.0.0.1:${server.port}`,
    /** In-process request, no socket: `path` like "/v1/models". */
    request: (path: string, init?: RequestInit) => gateway.app.handle(new Request(`http://localhost${path}`, init)),
  };
}

export type TestGateway = Awaited<ReturnType<typeof startTestGateway>>;

/** A fresh workspace (unique name) with `credit` nano-USD and one key. */
export async function newTenant(credit = 10_000_000_000n, keyOptions: NewKeyOptions = {}) {
  const { db } = await testDatabase();
  const workspace = await createWorkspace(db, `test-${randomBase62(10)}`, credit);
  const { key, row } = await createApiKey(db, workspace.id, keyOptions);
  return { workspace, key, keyRow: row };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
