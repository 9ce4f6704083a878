import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import OpenAI from "openai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createAdminKey } from "../../src/auth/admin-keys.ts";
import { formatUsd, parseUsd } from "../../src/billing/money.ts";
import { createWorkspace } from "../../src/workspaces/workspaces.ts";
import { displayUsd } from "../../src/console/web/money.ts";
import { launchChromium, nextJson, watchPage } from "../support/browser.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { runTrafficMix, type TrafficMix } from "../support/traffic-mix.ts";

// The console in a real browser against a real gateway: sign-in, each page's figures against what the
// admin API answered the page, a double-clicked top-up, a key created and revoked, sign-out; and
// throughout, no request to another origin and nothing logged as an error. Every run saves screenshots
// of each page to test/console/screenshots/ (ignored by git); UPDATE_SCREENSHOTS=1 writes the README's,
// docs/screenshots/, instead, so a plain `bun test` leaves the tree clean.
const SCREENSHOTS = resolve(import.meta.dir, process.env.UPDATE_SCREENSHOTS === "1" ? "../../docs/screenshots" : "screenshots");
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let setup: ProviderGateway;
let base: string;
let adminKey: string;
let mix: TrafficMix;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seen: ReturnType<typeof watchPage>;

// Functions handed to page.evaluate run in the page, where these exist (the page's CSP refuses evaluating strings).
declare const document: {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number };
  documentElement: { scrollWidth: number };
};
declare const location: { hash: string };

const sumUsd = (amounts: string[]) => formatUsd(amounts.reduce((total, amount) => total + parseUsd(amount), 0n));
const text = async (selector: string) => (await page.locator(selector).first().textContent())?.trim() ?? "";
const screenshot = (name: string, target = page) => target.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
/** A money figure: its text, rounded for reading, and the exact decimal it carries. */
const money = async (selector: string) => {
  const element = page.locator(selector).first();
  return { shown: (await element.textContent())?.trim(), exact: await element.getAttribute("data-exact") };
};
const admin = async (path: string) => (await fetch(`${base}/admin/v1${path}`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as Promise<any>;
const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  setup = await startProviderGateway({ UPSTREAM_MAX_ATTEMPTS: "1" });
  base = setup.gateway.url;
  ({ key: adminKey } = await createAdminKey(setup.gateway.db, "operator"));
  [mix, browser] = await Promise.all([runTrafficMix(setup), launchChromium()]);
  context = await browser.newContext({ viewport: LAPTOP });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  seen = watchPage(page);
});
afterAll(async () => {
  await browser?.close();
  await setup.stop();
});

describe("the console", () => {
  test("a customer key cannot sign in; a management key can, for an HttpOnly, SameSite=Strict session cookie", async () => {
    await page.goto(`${base}/console`);
    await page.fill('input[name="key"]', mix.tenants.a.key);
    await page.click('[data-testid="sign-in"] button[type="submit"]');
    await page.waitForSelector('[data-testid="sign-in-error"]:not(:empty)');
    expect(await text('[data-testid="sign-in-error"]')).toContain("not a management key");
    // The refused sign-in is the one error the browser logs, for the 401 itself.
    expect(seen.errors).toEqual(["error: Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);
    seen.errors.length = 0;
    await screenshot("sign-in");

    const overview = nextJson(page, "/usage");
    await page.fill('input[name="key"]', adminKey);
    await page.click('[data-testid="sign-in"] button[type="submit"]');
    await overview;
    expect(await text('[data-testid="who"]')).toBe("operator");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "opentoken_session", httpOnly: true, sameSite: "Strict", path: "/admin/v1" });
    expect(cookie!.value).not.toContain(adminKey);
  });

  test("overview: spend, requests, tokens, error rates and latency as the admin API answered the page, charts drawn", async () => {
    await go("#/overview?range=7d");
    const [usage, traffic, top] = await Promise.all([nextJson(page, "/usage"), nextJson(page, "/traffic"), nextJson(page, "/usage/workspaces")]);
    await page.waitForSelector('[data-figure="spend"]');
    expect(usage.bucket).toBe("day");
    const spend = sumUsd(usage.data.map((row: any) => row.cost_usd));
    // The mix is in what the page shows (other test files share the database).
    expect(parseUsd(spend)).toBeGreaterThanOrEqual(parseUsd(sumUsd(mix.billed.map((r) => r.costUsd!))));
    expect(await money('[data-testid="spend"]')).toEqual({ shown: displayUsd(spend), exact: spend });
    const total = (field: string) => usage.data.reduce((n: number, row: any) => n + row[field], 0);
    const number = (n: number) => n.toLocaleString("en-US");
    expect(await text('[data-figure="billed"] .figure-value')).toBe(number(total("requests")));
    expect(await text('[data-figure="tokens"] .figure-value')).toBe(number(total("input_tokens") + total("output_tokens")));
    expect(await text('[data-figure="requests"] .figure-value')).toBe(number(traffic.total.requests));
    const share = (n: number) => `${((100 * n) / traffic.total.requests).toFixed(1)}%`;
    expect(await text('[data-figure="server-errors"] .figure-value')).toBe(share(traffic.total.server_errors));
    expect(await text('[data-figure="client-errors"] .figure-value')).toBe(share(traffic.total.client_errors));
    const t = traffic.total;
    expect(await text('[data-figure="latency"] .figure-value')).toBe(`${number(t.p50_duration_ms)} ms / ${number(t.p95_duration_ms)} ms`);
    expect(await text('[data-figure="ttfb"] .figure-value')).toBe(`${number(t.p50_ttfb_ms)} ms / ${number(t.p95_ttfb_ms)} ms`);
    for (const chart of ["spend", "requests", "tokens", "errors", "latency"]) expect(await page.locator(`[data-testid="chart-${chart}"] canvas`).count()).toBe(1);

    const rows = page.locator('[data-testid="top-workspaces"] tbody tr');
    expect(await rows.count()).toBe(top.data.length);
    for (const [i, row] of top.data.entries()) {
      expect(await rows.nth(i).locator("td").first().textContent()).toBe(row.name);
      expect(await rows.nth(i).locator(".money").getAttribute("data-exact")).toBe(row.cost_usd);
    }
    await screenshot("overview");
  });

  test("workspaces: balances as the API has them; a double-clicked top-up credits once", async () => {
    const { a } = mix.tenants;
    const all = nextJson(page, "/workspaces");
    await page.click('a[data-page="workspaces"]');
    await all;
    await page.waitForSelector('[data-testid="workspaces"]');
    await screenshot("workspaces");
    // Found by name, whatever else the database holds.
    const list = nextJson(page, "/workspaces");
    await page.fill('[data-testid="workspace-search"] input[name="prefix"]', a.workspace.name);
    await page.click('[data-testid="workspace-search"] button[type="submit"]');
    const workspaces = await list;
    await page.waitForSelector(`[data-testid="workspaces"] tbody tr:has-text("${a.workspace.name}")`);
    const apiRow = workspaces.data.find((w: any) => w.name === a.workspace.name);
    const row = page.locator('[data-testid="workspaces"] tbody tr', { hasText: a.workspace.name });
    expect(await row.locator(".money").evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-exact")))).toEqual([apiRow.balance_usd, apiRow.held_usd, apiRow.available_usd]);

    const detail = nextJson(page, `/workspaces/${a.workspace.name}`);
    await row.locator("a").click();
    const workspace = await detail;
    await page.waitForSelector('[data-figure="balance"]');
    expect(await money('[data-testid="balance"]')).toEqual({ shown: displayUsd(workspace.balance_usd), exact: workspace.balance_usd });
    expect(await money('[data-testid="available"]')).toEqual({ shown: displayUsd(workspace.available_usd), exact: workspace.available_usd });

    const credits: (string | null)[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/credits")) credits.push(request.headers()["idempotency-key"] ?? null);
    });
    await page.fill('[data-testid="top-up"] input[name="amount_usd"]', "1.25");
    await page.fill('[data-testid="top-up"] input[name="note"]', "console top-up");
    await page.locator('[data-testid="top-up"] button[type="submit"]').dblclick();
    await page.waitForFunction(() => document.querySelector('[data-testid="top-up-status"]')?.textContent?.startsWith("Credited"));
    expect(credits).toHaveLength(2);
    expect(credits[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(credits[1]).toBe(credits[0]);
    const after = await admin(`/workspaces/${a.workspace.name}`);
    expect(parseUsd(after.balance_usd) - parseUsd(workspace.balance_usd)).toBe(1_250_000_000n);
    const ledger = await admin(`/workspaces/${a.workspace.name}/ledger?limit=5`);
    expect(ledger.data.filter((entry: any) => entry.note === "console top-up")).toHaveLength(1);
    await page.waitForFunction((exact) => document.querySelector('[data-testid="balance"]')?.getAttribute("data-exact") === exact, after.balance_usd);
  });

  test("keys: created with a spend limit and a model list, shown once with a copy button, changed, revoked, and then refused by /v1", async () => {
    const form = page.locator('[data-testid="create-key"]');
    await form.locator('input[name="name"]').fill("from-the-console");
    await form.locator('input[name="spend_limit_usd"]').fill("0.50");
    await form.locator('select[name="limit_reset"]').selectOption("daily");
    await form.locator('input[name="models"]').fill("google/*");
    await form.locator('button[type="submit"]').click();
    const shown = page.locator('[data-testid="new-key-value"]');
    await shown.waitFor();
    const key = (await shown.inputValue()).trim();
    expect(key).toMatch(/^sk-optk-[0-9A-Za-z]{40}$/);
    await page.click('[data-testid="copy-key"]');
    expect(await page.evaluate(() => (navigator as unknown as { clipboard: { readText(): Promise<string> } }).clipboard.readText())).toBe(key);
    await screenshot("workspace");

    const keys = await admin(`/workspaces/${mix.tenants.a.workspace.name}/keys`);
    const created = keys.data.find((k: any) => k.name === "from-the-console");
    expect(created).toMatchObject({ status: "active", spend_limit_usd: "0.50", limit_reset: "daily", models: ["google/*"] });
    expect(JSON.stringify(keys)).not.toContain(key);
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
    const chat = () => client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] });
    expect((await chat()).object).toBe("chat.completion");

    await page.click(`[data-testid="edit-${created.id}"]`);
    const edit = page.locator(`[data-testid="edit-key-${created.id}"]`);
    await edit.locator('input[name="spend_limit_usd"]').fill("2");
    await edit.locator('input[name="models"]').fill("google/*, anthropic/claude-haiku-4-5");
    await edit.locator('input[name="expires_at"]').fill("2031-01-02T03:04");
    await edit.locator('button[type="submit"]').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="new-key-value"]'));
    // The input is the browser's local time.
    const expiry = await page.evaluate(() => new Date("2031-01-02T03:04").toISOString());
    const keyNow = async () => (await admin(`/workspaces/${mix.tenants.a.workspace.name}/keys`)).data.find((k: any) => k.id === created.id);
    expect(await keyNow()).toMatchObject({
      spend_limit_usd: "2.00",
      limit_reset: "daily",
      models: ["google/*", "anthropic/claude-haiku-4-5"],
      expires_at: expiry,
    });
    // Emptied, the expiry is cleared.
    await page.click(`[data-testid="edit-${created.id}"]`);
    expect(await edit.locator('input[name="expires_at"]').inputValue()).toBe("2031-01-02T03:04");
    await edit.locator('input[name="expires_at"]').fill("");
    const saved = page.waitForResponse((response) => response.request().method() === "PATCH");
    await edit.locator('button[type="submit"]').click();
    await saved;
    await page.waitForSelector(`[data-testid="edit-${created.id}"]`);
    expect((await keyNow()).expires_at).toBeNull();

    const revoke = page.locator(`[data-testid="revoke-${created.id}"]`);
    await revoke.click();
    expect(await revoke.textContent()).toBe("Confirm revoke");
    await revoke.click();
    await page.waitForSelector(`[data-testid="revoke-${created.id}"]`, { state: "detached" });
    expect(await page.locator('[data-testid="keys"] tr', { hasText: "from-the-console" }).locator(".badge").textContent()).toBe("revoked");
    await setup.gateway.authenticator.refresh();
    expect(((await chat().catch((error) => error)) as { status?: number }).status).toBe(401);
  });

  test("workspaces: a page at a time, found by name; more than a page loads on demand", async () => {
    // 101 workspaces under one prefix: a page of 100, then the last one.
    const prefix = `page-${crypto.randomUUID().slice(0, 8)}-`;
    const names = Array.from({ length: 101 }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
    for (const name of names) await createWorkspace(setup.gateway.db, name, 0n);
    const first = nextJson(page, "/workspaces");
    await page.click('a[data-page="workspaces"]');
    await first;
    const found = nextJson(page, "/workspaces");
    await page.fill('[data-testid="workspace-search"] input[name="prefix"]', prefix);
    await page.click('[data-testid="workspace-search"] button[type="submit"]');
    expect(await found).toMatchObject({ has_more: true, next_after: names[99] });
    const rows = page.locator('[data-testid="workspaces"] tbody tr');
    await page.waitForFunction((p) => location.hash === `#/workspaces?prefix=${p}`, prefix);
    await page.waitForSelector(`[data-testid="workspaces"] tbody tr:has-text("${names[99]}")`);
    expect(await rows.locator("a").allTextContents()).toEqual(names.slice(0, 100));
    const rest = nextJson(page, "/workspaces");
    await page.click('[data-testid="more-workspaces"]');
    expect(await rest).toMatchObject({ data: [expect.objectContaining({ name: names[100] })], has_more: false, next_after: null });
    await page.waitForSelector(`[data-testid="workspaces"] tbody tr:has-text("${names[100]}")`);
    expect(await rows.count()).toBe(101);
    expect(await page.locator('[data-testid="more-workspaces"]').isHidden()).toBe(true);
  });

  test("requests: the records the API lists, filtered, each opening its full record with the exact cost", async () => {
    const listed = nextJson(page, "/requests");
    await page.click('a[data-page="requests"]');
    const first = await listed;
    await page.waitForSelector('[data-testid="requests"]');
    const rows = page.locator('[data-testid="requests"] tbody tr');
    expect(await rows.count()).toBe(first.data.length);
    expect(await rows.locator(".money").evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-exact")))).toEqual(first.data.map((r: any) => r.cost_usd));
    await screenshot("requests");

    const { a } = mix.tenants;
    const filtered = nextJson(page, "/requests");
    await page.fill('[data-testid="request-filters"] input[name="workspace"]', a.workspace.name);
    await page.fill('[data-testid="request-filters"] input[name="model"]', "google/gemini-3-flash");
    await page.click('[data-testid="request-filters"] button[type="submit"]');
    const matching = (await filtered).data;
    for (const r of matching) expect(r).toMatchObject({ workspace_id: a.workspace.id, workspace: a.workspace.name, model: "google/gemini-3-flash" });
    // The mix's are the oldest (the key test's chat came after).
    const expected = mix.billed.filter((r) => r.workspace === a.workspace.name && r.model === "google/gemini-3-flash").map((r) => r.requestId).reverse();
    const ids = matching.map((r: any) => r.request_id);
    expect(ids.slice(-expected.length)).toEqual(expected);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="requests"] tbody tr').length === n, ids.length);

    const record = nextJson(page, `/requests/${expected[0]}`);
    await page.locator('[data-testid="requests"] tbody tr').nth(ids.indexOf(expected[0])).click();
    const full = await record;
    await page.waitForSelector('[data-testid="record"]');
    expect(await text('[data-testid="record-cost"]')).toBe(`$${full.cost_usd}`);
    expect(full.cost_usd).toBe(mix.billed.find((r) => r.requestId === expected[0])!.costUsd!);
    await screenshot("request");
  });

  test("suppliers: each one's health, recent attempts and charts, as the API reported them", async () => {
    const listed = nextJson(page, "/suppliers");
    await page.click('a[data-page="suppliers"]');
    const suppliers = await listed;
    await page.waitForSelector("[data-supplier]");
    expect(await page.locator("[data-supplier]").evaluateAll((cards) => cards.map((card) => card.getAttribute("data-supplier")))).toEqual(suppliers.data.map((s: any) => s.name));
    for (const supplier of suppliers.data) {
      const card = page.locator(`[data-supplier="${supplier.name}"]`);
      expect(await card.locator('[data-testid="health"]').textContent()).toStartWith(supplier.states.length ? supplier.states[0] : "no running gateway");
      expect(await card.locator('[data-testid="recent"]').textContent()).toContain(`${supplier.recent.attempts.toLocaleString("en-US")} attempt`);
      if (supplier.data.length) expect(await card.locator("canvas").count()).toBe(2);
    }
    expect(suppliers.data.find((s: any) => s.name === "google").data.length).toBeGreaterThan(0);
    await screenshot("suppliers");
  });

  test("a phone's width: one column, nothing wider than the screen", async () => {
    const phone = await context.newPage();
    const phoneSeen = watchPage(phone);
    await phone.setViewportSize(PHONE);
    const loaded = nextJson(phone, "/usage");
    await phone.goto(`${base}/console#/overview`);
    await loaded;
    await phone.waitForSelector('[data-testid="chart-spend"] canvas');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot("overview-phone", phone);
    await phone.close();
    seen.urls.push(...phoneSeen.urls);
    seen.errors.push(...phoneSeen.errors);
  });

  test("sign-out ends the session: the old cookie is refused", async () => {
    const [cookie] = await context.cookies();
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="sign-in"]');
    expect(await context.cookies()).toEqual([]);
    const reply = await fetch(`${base}/admin/v1/workspaces`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(reply.status).toBe(401);
    expect(((await reply.json()) as any).error.code).toBe("invalid_session");
  });

  test("no request left the origin, and the page logged no error", () => {
    expect(seen.urls.length).toBeGreaterThan(20);
    expect(seen.urls.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
