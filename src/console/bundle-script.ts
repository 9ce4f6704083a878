/**
 * A bundle-time macro (imported `with { type: "macro" }`): bundles the
 * console's browser code, uPlot included, into one minified ES module and
 * inlines it as a string. It runs where the source is transpiled: inside
 * `bun build --compile` the result is baked into the binary, and `bun
 * src/main.ts` or `bun test` re-bundles from source (about 50 ms). Bun.build
 * cannot run inside a macro during bundling, hence the CLI in a child process.
 */
export function bundleScript(entry: string): string {
  const path = Bun.fileURLToPath(new URL(entry, import.meta.url));
  const result = Bun.spawnSync([process.execPath, "build", path, "--target=browser", "--format=esm", "--minify"], { stdout: "pipe", stderr: "pipe" });
  if (!result.success) throw new Error(`bundling the console (${entry}) failed:\n${result.stderr.toString()}`);
  return result.stdout.toString();
}
