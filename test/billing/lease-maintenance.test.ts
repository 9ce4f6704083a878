import { expect, test } from "bun:test";
import { eq, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { extendHold } from "../../src/billing/hold-store.ts";
import { Lease } from "../../src/billing/lease.ts";
import { LeaseMaintenance } from "../../src/billing/lease-maintenance.ts";
import type { Database } from "../../src/db/client.ts";
import { creditHolds } from "../../src/db/schema.ts";
import { testDatabase } from "../support/database.ts";
import { newTenant } from "../support/gateway.ts";

const dialect = new PgDialect();

test("maintenance renews granted leases only; a void lease is not sent, and once idle it is dropped", async () => {
  const { db } = await testDatabase();
  const { workspace, keyRow } = await newTenant(1_000_000n);
  // Every statement maintenance sends, as text and parameters.
  const sent: string[] = [];
  const recording = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver);
      return (query: SQL) => {
        const { sql, params } = dialect.sqlToQuery(query);
        sent.push(`${sql} ${JSON.stringify(params)}`);
        return target.execute(query);
      };
    },
  }) as Database;
  const lease = (ttlSeconds: number) => {
    const l = new Lease(workspace.id, keyRow.id);
    l.inFlight = 1;
    const hold = { holdId: l.id, workspaceId: workspace.id, keyId: keyRow.id, spendLimit: null, periodStart: new Date(0) };
    return extendHold(db, { ...hold, minimum: 1n, need: 1_000n, target: 1_000n, ttlSeconds }).then(() => l);
  };
  const granted = await lease(60);
  granted.grant(Date.now() + 60_000);
  const voided = await lease(0); // its hold expired unrenewed
  voided.void();
  const idleVoid = await lease(60);
  idleVoid.void();
  idleVoid.inFlight = 0;
  idleVoid.lastUsed = Date.now() - 60_000;
  const leases = new Map([
    ["granted", granted],
    ["void", voided],
    ["idle", idleVoid],
  ]);

  await new LeaseMaintenance(recording, leases, 60).run();

  expect(sent.filter((statement) => statement.includes(voided.id))).toEqual([]);
  expect(sent.filter((statement) => statement.includes(granted.id))).toHaveLength(1);
  expect(granted.validity.state).toBe("granted");
  expect(voided.validity.state).toBe("void");
  expect([...leases.keys()]).toEqual(["granted", "void"]);
  expect(await db.select().from(creditHolds).where(eq(creditHolds.id, idleVoid.id))).toEqual([]);
});

test("a lease granted anew while its renewal was out is not voided by the renewal's answer", async () => {
  const { db } = await testDatabase();
  const { workspace, keyRow } = await newTenant(1_000_000n);
  const lease = new Lease(workspace.id, keyRow.id);
  lease.inFlight = 1;
  lease.grant(Date.now() + 60_000);
  // The hold expired in the database (nothing to renew); while the renewal is out, an extension grants the lease again.
  const regranted = Date.now() + 90_000;
  const racing = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver);
      return async (query: SQL) => {
        const result = await target.execute(query);
        if (dialect.sqlToQuery(query).sql.includes("update credit_holds")) lease.grant(regranted);
        return result;
      };
    },
  }) as Database;
  await new LeaseMaintenance(racing, new Map([["key", lease]]), 60).run();
  expect(lease.validity).toEqual({ state: "granted", until: regranted });
});
