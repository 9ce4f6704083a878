import { adminAuthenticator as createAdminAuthenticator, customerAuthenticator } from "./auth/authenticator.ts";
import { sessionAuthenticator } from "./auth/console-sessions.ts";
import { ensureEnvKey } from "./auth/keys.ts";
import { LeaseBilling } from "./billing/lease-billing.ts";
import { Catalog } from "./catalog/catalog.ts";
import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { createApp } from "./http/app.ts";
import type { CallDeps } from "./calls/call-deps.ts";
import { anthropicChatAdapter } from "./providers/anthropic/index.ts";
import { GoogleChatAdapter } from "./providers/google/index.ts";
import { AccessLog, stdoutSink } from "./observability/access-log.ts";
import { allOf } from "./observability/finished-request.ts";
import { GatewayMetrics } from "./observability/gateway-metrics.ts";
import { RequestStatsRecorder } from "./observability/request-stats.ts";
import { createTransport } from "./providers/upstream-transport.ts";
import { ResponseStore } from "./responses/response-store.ts";
import { SupplierRegistry } from "./routing/supplier-registry.ts";
import { SupplierStatsReporter } from "./routing/supplier-stats.ts";
import { createWorkspace, findWorkspace } from "./workspaces/workspaces.ts";
import { ApiError, UserError } from "./errors.ts";
import type { Database } from "./db/client.ts";

/**
 * Everything a running gateway holds, wired once at start-up. Tests build it
 * on their own database and drive `app.handle()` or `listen()` directly.
 */
export async function createGateway(config: Config, database: DatabaseHandle) {
  await database.migrate();
  const catalog = new Catalog(database.db);
  await catalog.load();
  const authenticator = customerAuthenticator(database.db, config.keyCacheSeconds * 1000);
  const adminAuthenticator = createAdminAuthenticator(database.db, config.keyCacheSeconds * 1000);
  const sessions = sessionAuthenticator(database.db, config.keyCacheSeconds * 1000);
  if (config.demoKey) await registerDemoKey(database.db, config.demoKey, config.demoCredit);
  const suppliers = new SupplierRegistry(database.db, config);
  await suppliers.load();
  const metrics: GatewayMetrics = new GatewayMetrics({
    suppliers: () => suppliers.all().map((supplier) => ({ name: supplier.config.name, state: supplier.health.state() })),
    settlementBacklog: () => billing.settlementBacklog(),
  });
  const billing: LeaseBilling = new LeaseBilling(database.db, { ...config, observer: metrics });
  const transport = createTransport(config);
  const accessLog = config.logFormat === "json" ? new AccessLog(stdoutSink()) : undefined;
  const supplierStats = new SupplierStatsReporter(database.db, () => suppliers.all());
  const requestStats = new RequestStatsRecorder(database.db);
  const calls: CallDeps = {
    adapters: { google: new GoogleChatAdapter(transport), anthropic: anthropicChatAdapter },
    suppliers,
    routing: { maxAttempts: config.upstreamMaxAttempts, deadlineMs: config.upstreamDeadlineMs },
    transport,
    billing,
    observeAttempt: (supplier, outcome) => metrics.upstreamAttempt(supplier, outcome),
  };
  const responseStore = new ResponseStore(database.db, {
    retentionDays: config.responsesRetentionDays,
    maxHistoryBytes: config.maxBodyBytes,
  });
  const app = createApp({
    config,
    db: database.db,
    catalog,
    authenticator,
    adminAuthenticator,
    sessions,
    suppliers: () => suppliers.all().map((supplier) => supplier.config),
    chat: { catalog, calls },
    embeddings: { catalog, calls },
    metrics,
    observer: allOf(accessLog ? [metrics, requestStats, accessLog] : [metrics, requestStats]),
    responses: { catalog, calls, store: responseStore },
  });

  return {
    app,
    catalog,
    authenticator,
    adminAuthenticator,
    sessions,
    billing,
    suppliers,
    supplierStats,
    requestStats,
    metrics,
    responseStore,
    /** Starts the background refreshers and the HTTP listener. */
    listen(port = config.port, hostname = config.host) {
      catalog.start(config.catalogRefreshSeconds);
      suppliers.start(config.catalogRefreshSeconds);
      supplierStats.start();
      requestStats.start();
      authenticator.start();
      adminAuthenticator.start();
      sessions.start();
      billing.start();
      responseStore.start();
      try {
        app.listen({ port, hostname });
      } catch (error) {
        if ((error as { code?: unknown }).code === "EADDRINUSE") {
          throw new UserError(`port ${port} on ${hostname} is already in use (another gateway?): stop it or set PORT`);
        }
        throw error;
      }
      return app.server!;
    },
    async stop() {
      await app.stop();
      catalog.stop();
      suppliers.stop();
      await supplierStats.stop();
      await requestStats.stop();
      await authenticator.stop();
      await adminAuthenticator.stop();
      await responseStore.stop();
      await sessions.stop();
      await billing.stop();
      await accessLog?.stop();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

/** The demo workspace is funded once, when it is created; later top-ups go through `credit add`. */
async function registerDemoKey(db: Database, key: string, credit: bigint) {
  const workspace = await findWorkspace(db, "demo").catch(async (error) => {
    if (error instanceof ApiError && error.status === 404) return createWorkspace(db, "demo", credit);
    throw error;
  });
  await ensureEnvKey(db, workspace.id, key);
}
