import { type Browser, chromium, type ConsoleMessage, type Page } from "playwright-core";

/**
 * Debian's chromium, headless, driven by playwright-core (no browser
 * download; .ci/run installs the package when missing). As root it needs
 * --no-sandbox.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = Bun.which("chromium");
  if (!executablePath) throw new Error("the console tests need Debian's chromium: apt-get install chromium");
  return chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
}

/** What a page did that a test checks at the end: every URL it requested, and every error it logged or threw. */
export function watchPage(page: Page) {
  const seen = { urls: [] as string[], errors: [] as string[] };
  page.on("request", (request) => seen.urls.push(request.url()));
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error" || message.type() === "warning") seen.errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.errors.push(`pageerror: ${error.message}`));
  return seen;
}

/** The JSON of the next GET the page makes to this admin path (start waiting before the action that causes it). */
export function nextJson(page: Page, path: string): Promise<any> {
  return page
    .waitForResponse((response) => response.request().method() === "GET" && new URL(response.url()).pathname === `/admin/v1${path}`)
    .then((response) => response.json());
}
