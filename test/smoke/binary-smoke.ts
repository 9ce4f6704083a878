// Smoke test of the compiled binary (run by .ci/run after `bun run build`):
// starts dist/opentoken from an empty directory, once on PostgreSQL
// (DATABASE_URL) and once on its embedded PGlite, and checks what a new user
// touches first. Prints the cold start to the first served request.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const binary = resolve(process.argv[2] ?? "dist/opentoken");
const demoKey = "ci-smoke-key";

function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

async function check(label: string, env: Record<string, string | undefined>) {
  const cwd = mkdtempSync(join(tmpdir(), "opentoken-smoke-"));
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = Bun.spawn([binary, "serve"], {
    cwd,
    env: {
      PATH: "/usr/bin:/bin",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      OPENTOKEN_DEMO_KEY: demoKey,
      OPENTOKEN_DEMO_CREDIT: "5",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    // A brand-new embedded database runs initdb first (seconds, more on a busy machine): wait by the clock.
    let coldStartMs = -1;
    while (coldStartMs < 0 && performance.now() - started < 120_000 && child.exitCode === null) {
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (ok) coldStartMs = performance.now() - started;
      else await Bun.sleep(20);
    }
    if (coldStartMs < 0) throw new Error(`${label}: /health never answered (exit code ${child.exitCode})`);

    const auth = { authorization: `Bearer ${demoKey}` };
    const models = (await (await fetch(`${base}/v1/models`, { headers: auth })).json()) as { data: unknown[] };
    if (models.data?.length !== 10) throw new Error(`${label}: expected 10 models, got ${JSON.stringify(models)}`);
    const unauthorized = await fetch(`${base}/v1/models`);
    if (unauthorized.status !== 401) throw new Error(`${label}: /v1/models without a key gave ${unauthorized.status}`);
    // Funded demo workspace, no provider credentials: admitted by billing, then 503 no_supplier.
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "hi" }] }),
    });
    const chatError = ((await chat.json()) as { error?: { code?: string } }).error?.code;
    if (chat.status !== 503 || chatError !== "no_supplier") throw new Error(`${label}: chat gave ${chat.status} ${chatError}`);
    const docs = await (await fetch(`${base}/docs`)).text();
    const bundle = /src="([^"]*swagger-ui-bundle\.js)"/.exec(docs)?.[1];
    if (!bundle?.startsWith("/")) throw new Error(`${label}: /docs does not load Swagger UI from the gateway itself`);
    const asset = await fetch(`${base}${bundle}`);
    if (!asset.ok || (await asset.text()).length < 100_000) throw new Error(`${label}: ${bundle} is not served`);
    // The console: its page and bundle come from the binary itself.
    const page = await fetch(`${base}/console`);
    if (!page.headers.get("content-security-policy")?.startsWith("default-src 'none'")) throw new Error(`${label}: /console has no strict CSP`);
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    const consoleScript = script ? await (await fetch(`${base}${script}`)).text() : "";
    if (!consoleScript.includes("u-legend")) throw new Error(`${label}: /console does not serve its bundled script (uPlot in it)`);
    const signIn = await fetch(`${base}/admin/v1/session`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
    if (signIn.status !== 401) throw new Error(`${label}: a customer key signing in to the console gave ${signIn.status}`);
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    if (!spec.paths["/v1/models"]) throw new Error(`${label}: /openapi.json lacks /v1/models`);
    console.log(`smoke ${label}: ok (cold start to first request ${coldStartMs.toFixed(0)} ms)`);
  } catch (error) {
    child.kill();
    console.error(await new Response(child.stderr).text(), await new Response(child.stdout).text());
    throw error;
  } finally {
    child.kill();
    await child.exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}

await check("postgres", { DATABASE_URL: process.env.DATABASE_URL });
await check("embedded pglite", {});
