import { expect, test } from "bun:test";
import {
  type Creation,
  ContextCacheRegistry,
  type ResolvedCache,
} from "../../../../src/providers/google/context-cache/context-cache-registry.ts";

const MINUTE = 60_000;
const live = new AbortController().signal;
/** The cache name a resolution sends the request on (undefined: the plain request). */
const nameOf = async (resolution: Promise<ResolvedCache | undefined>) => (await resolution)?.name;

/** A registry on a hand-moved clock, with a creator that counts its calls. */
function setup(options: { maxEntries?: number } = {}) {
  let now = 1_000_000;
  const registry = new ContextCacheRegistry({ now: () => now, safetyMarginMs: 30_000, refusalMs: 10 * MINUTE, ...options });
  let created = 0;
  const fresh = (): Creation => ({ name: `cachedContents/c${created}`, expiresAt: now + 5 * MINUTE });
  const creator = (result: () => Creation | Promise<Creation> = fresh) => async () => {
    created++;
    return result();
  };
  return {
    registry,
    creator,
    created: () => created,
    advance: (ms: number) => (now += ms),
    resolve: (key: string, create = creator()) => nameOf(registry.resolve(key, create, live)),
  };
}

test("a created cache is reused until its expiry minus the safety margin, then created again", async () => {
  const { resolve, created, advance } = setup();
  expect(await resolve("k")).toBe("cachedContents/c1");
  advance(4 * MINUTE + 29_000);
  expect(await resolve("k")).toBe("cachedContents/c1");
  expect(created()).toBe(1);
  advance(1_000); // 30 s before expiry: too close to send a request on it
  expect(await resolve("k")).toBe("cachedContents/c2");
  expect(created()).toBe(2);
});

test("keys are independent", async () => {
  const { resolve, created } = setup();
  expect(await resolve("a")).toBe("cachedContents/c1");
  expect(await resolve("b")).toBe("cachedContents/c2");
  expect(await resolve("a")).toBe("cachedContents/c1");
  expect(created()).toBe(2);
});

test("concurrent requests for one key share a single creation", async () => {
  const { registry, creator, created } = setup();
  let finish!: (creation: Creation) => void;
  const create = creator(() => new Promise<Creation>((resolve) => (finish = resolve)));
  const waiting = Array.from({ length: 5 }, () => nameOf(registry.resolve("k", create, live)));
  await Bun.sleep(0);
  expect(created()).toBe(1);
  finish({ name: "cachedContents/shared", expiresAt: Date.now() * 2 });
  expect(await Promise.all(waiting)).toEqual(Array(5).fill("cachedContents/shared"));
});

test("a refusal is remembered: the plain request goes out without new attempts until the refusal expires", async () => {
  const { resolve, creator, created, advance } = setup();
  expect(await resolve("k", creator(() => "refused"))).toBeUndefined();
  advance(9 * MINUTE);
  expect(await resolve("k", creator(() => "refused"))).toBeUndefined();
  expect(created()).toBe(1);
  advance(MINUTE);
  expect(await resolve("k")).toBe("cachedContents/c2");
});

test("any other failure falls back for that request only: the next one tries again", async () => {
  const { resolve, creator, created } = setup();
  const outage = creator(() => {
    throw new Error("503");
  });
  expect(await resolve("k", outage)).toBeUndefined();
  expect(await resolve("k")).toBe("cachedContents/c2");
  expect(created()).toBe(2);
});

test("a caller that goes away stops waiting; the shared creation still completes for the others and later requests", async () => {
  const { registry, creator, created } = setup();
  let finish!: (creation: Creation) => void;
  const create = creator(() => new Promise<Creation>((resolve) => (finish = resolve)));
  const leaving = new AbortController();
  const left = nameOf(registry.resolve("k", create, leaving.signal));
  const staying = nameOf(registry.resolve("k", create, live));
  leaving.abort(new Error("client went away"));
  await expect(left).rejects.toThrow("client went away");
  finish({ name: "cachedContents/kept", expiresAt: Date.now() * 2 });
  expect(await staying).toBe("cachedContents/kept");
  expect(await nameOf(registry.resolve("k", create, live))).toBe("cachedContents/kept");
  expect(created()).toBe(1);
});

test("an already aborted caller never starts waiting", async () => {
  const { registry, creator } = setup();
  await expect(registry.resolve("k", creator(), AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
});

test("memory is bounded: past the cap the least recently used key is forgotten", async () => {
  const { resolve, created } = setup({ maxEntries: 2 });
  await resolve("a");
  await resolve("b");
  await resolve("a"); // a is now the most recently used
  await resolve("c"); // evicts b
  expect(created()).toBe(3);
  await resolve("a");
  await resolve("c");
  expect(created()).toBe(3);
  await resolve("b");
  expect(created()).toBe(4);
});

test("a creator that throws at once still falls back, and the next request tries again", async () => {
  const { resolve, created } = setup();
  const broken = () => {
    throw new Error("bug");
  };
  expect(await resolve("k", broken as () => Promise<Creation>)).toBeUndefined();
  expect(await resolve("k")).toBe("cachedContents/c1");
  expect(created()).toBe(1);
});

test("only the caller that ran the creation is its creator, with the tokens written; later callers only read", async () => {
  const { registry, creator, advance } = setup();
  const written = (): Creation => ({ name: "cachedContents/w", expiresAt: 1_000_000 + 5 * 60_000, totalTokens: 4096 });
  expect(await registry.resolve("k", creator(written), live)).toEqual({ name: "cachedContents/w", created: true, totalTokens: 4096 });
  expect(await registry.resolve("k", creator(written), live)).toEqual({ name: "cachedContents/w", created: false });
  // A new creation after expiry: its caller is the creator again.
  advance(5 * MINUTE);
  expect(await registry.resolve("k", creator(written), live)).toMatchObject({ created: true, totalTokens: 4096 });
});

test("concurrent waiters on one creation are readers: exactly one of them is the creator, the one that started it", async () => {
  const { registry, creator, created } = setup();
  let finish!: (creation: Creation) => void;
  const create = creator(() => new Promise<Creation>((resolve) => (finish = resolve)));
  const [first, ...others] = Array.from({ length: 5 }, () => registry.resolve("k", create, live));
  await Bun.sleep(0);
  finish({ name: "cachedContents/shared", expiresAt: Date.now() * 2, totalTokens: 2048 });
  expect(await first).toEqual({ name: "cachedContents/shared", created: true, totalTokens: 2048 });
  for (const other of await Promise.all(others)) expect(other).toEqual({ name: "cachedContents/shared", created: false });
  expect(created()).toBe(1);
});

test("the creator leaving does not make a waiter the creator: nobody pays the write", async () => {
  const { registry, creator } = setup();
  let finish!: (creation: Creation) => void;
  const create = creator(() => new Promise<Creation>((resolve) => (finish = resolve)));
  const leaving = new AbortController();
  const creatorCall = registry.resolve("k", create, leaving.signal);
  const waiter = registry.resolve("k", create, live);
  leaving.abort(new Error("client went away"));
  await expect(creatorCall).rejects.toThrow("client went away");
  finish({ name: "cachedContents/orphan", expiresAt: Date.now() * 2, totalTokens: 2048 });
  expect(await waiter).toEqual({ name: "cachedContents/orphan", created: false });
});

test("a creation without a token count still makes its caller the creator, with no tokens", async () => {
  const { registry, creator } = setup();
  expect(await registry.resolve("k", creator(), live)).toEqual({ name: "cachedContents/c1", created: true });
});
