import { afterAll, expect, test } from "bun:test";
import { ApiError } from "../../src/errors.ts";
import { itemId } from "../../src/responses/item-ids.ts";
import { ResponseStore, type StoredResponse } from "../../src/responses/response-store.ts";
import { testDatabase } from "../support/database.ts";
import { newTenant } from "../support/gateway.ts";

// The store on the test database, with a small history budget: what one request may load is bounded,
// whether the rows are still in memory (just saved) or written.
const { db } = await testDatabase();
const store = new ResponseStore(db, { retentionDays: 1, maxHistoryBytes: 2_000 });
afterAll(() => store.stop());

let serial = 0;
function response(workspaceId: string, previous: StoredResponse | null, text: string): StoredResponse {
  const id = `resp_${(Date.now() * 1000 + ++serial).toString(16).padStart(32, "0")}`;
  const now = new Date();
  return {
    id,
    workspaceId,
    createdAt: now,
    expiresAt: store.expiryFor(now),
    previousResponseId: previous?.id ?? null,
    model: "google/gemini-3-flash",
    status: "completed",
    input: [{ type: "message", role: "user", content: text, id: itemId(id, "msg", "i", 0) }],
    output: [{ id: itemId(id, "msg", "o", 0), type: "message", status: "completed", role: "assistant", content: [] }],
    usage: null,
    response: {} as StoredResponse["response"],
  };
}

/** A chain of `length` responses, each input `size` characters long, saved (and written unless `pending`). */
async function chain(workspaceId: string, length: number, size: number, pending = false) {
  const saved: StoredResponse[] = [];
  for (let i = 0; i < length; i++) {
    const next = response(workspaceId, saved.at(-1) ?? null, `${i}`.padEnd(size, "x"));
    store.save(next);
    saved.push(next);
  }
  if (!pending) await store.flush();
  return saved;
}

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as ApiError);

for (const pending of [false, true]) {
  const where = pending ? "in memory, not yet written" : "written";
  test(`chain (${where}): oldest first within the budget; past it a 400, not a cut history`, async () => {
    const { workspace } = await newTenant();
    const within = await chain(workspace.id, 3, 300, pending);
    const rows = await store.chain(within.at(-1)!.id, workspace.id);
    expect(rows.map((row) => row.id)).toEqual(within.map((r) => r.id));

    const over = await chain(workspace.id, 8, 300, pending);
    const error = await refusal(store.chain(over.at(-1)!.id, workspace.id));
    expect(error).toBeInstanceOf(ApiError);
    expect(error!.status).toBe(400);
    expect(error!.param).toBe("previous_response_id");

    const other = await newTenant();
    const hidden = await refusal(store.chain(within.at(-1)!.id, other.workspace.id));
    expect(hidden!.status).toBe(404);
    await store.flush();
  });

  test(`items (${where}): exactly the items named, only the caller's; past the budget a 400`, async () => {
    const { workspace } = await newTenant();
    const [a, b] = await chain(workspace.id, 2, 100, pending);
    const { found } = await store.items(
      [
        { responseId: b!.id, side: "o", index: 0 },
        { responseId: a!.id, side: "i", index: 0 },
        { responseId: a!.id, side: "o", index: 5 },
      ],
      workspace.id,
    );
    expect([...found.keys()].sort()).toEqual([0, 1]);
    expect(found.get(0)).toEqual(b!.output[0]);
    expect(found.get(1)).toEqual(a!.input[0]);

    const other = await newTenant();
    expect((await store.items([{ responseId: a!.id, side: "o", index: 0 }], other.workspace.id)).found.size).toBe(0);

    const [big] = await chain(workspace.id, 1, 900, pending);
    const many = Array.from({ length: 3 }, () => ({ responseId: big!.id, side: "i" as const, index: 0 }));
    // Held in memory or written, the items count against the same bound.
    const error = await refusal(store.items(many, workspace.id));
    expect(error!.status).toBe(400);
    expect(error!.param).toBe("input");
    // Within it, the size comes back for billing's worst case.
    const one = await store.items(many.slice(0, 1), workspace.id);
    expect(one.found.size).toBe(1);
    expect(one.bytes).toBeGreaterThan(900);
    await store.flush();
  });
}

test("remove waits for a pending write, so a deleted response does not come back", async () => {
  const { workspace } = await newTenant();
  const [saved] = await chain(workspace.id, 1, 10, true);
  expect(await store.remove(saved!.id, workspace.id)).toBe(true);
  expect(await store.find(saved!.id, workspace.id)).toBeUndefined();
  expect(await store.remove(saved!.id, workspace.id)).toBe(false);
});
