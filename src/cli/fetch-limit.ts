import { dlopen, FFIType, ptr, suffix } from "bun:ffi";

/**
 * Bun's fetch keeps at most BUN_CONFIG_MAX_HTTP_REQUESTS (default 256)
 * requests in flight and queues the rest: a gateway would hold only 256
 * upstream calls, streams included, and make everyone else wait. Bun reads
 * the variable only at start-up, so `serve` replaces itself once with
 * execve(2) with it set (an operator's own value is kept). execve keeps the
 * pid: the process a supervisor started is the one that serves, and a signal
 * or kill -9 reaches it, with no child left behind.
 */
const MAX_UPSTREAM_REQUESTS = "16384";

/** Returns only when no re-exec is needed or possible; on success the process image is replaced. */
export function execWithFetchLimit(): void {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return;
  const execve = loadExecve();
  if (!execve) {
    console.warn(
      `warning: could not raise Bun's fetch limit (no execve here): upstream calls beyond 256 at once will queue; ` +
        `set BUN_CONFIG_MAX_HTTP_REQUESTS=${MAX_UPSTREAM_REQUESTS} in the environment to avoid it`,
    );
    return;
  }
  // A compiled binary's script lives in Bun's embedded file system; from source, bun needs the script path.
  const compiled = process.argv[1]?.startsWith("/$bunfs/") ?? false;
  const argv = [process.execPath, ...(compiled ? [] : process.argv.slice(1, 2)), ...process.argv.slice(2)];
  const env = Object.entries({ ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_UPSTREAM_REQUESTS }).map(
    ([name, value]) => `${name}=${value}`,
  );
  const path = cString(process.execPath);
  const argvTable = cStringTable(argv);
  const envTable = cStringTable(env);
  execve(ptr(path), ptr(argvTable.pointers), ptr(envTable.pointers));
  // Only reached when execve failed (the buffers above stayed alive until here).
  console.warn("warning: re-executing with a raised fetch limit failed; continuing with Bun's default of 256");
}

type Execve = (path: number, argv: number, envp: number) => number;

function loadExecve(): Execve | undefined {
  for (const name of ["libc.so.6", `libc.${suffix}`]) {
    try {
      const lib = dlopen(name, { execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } });
      return lib.symbols.execve as unknown as Execve;
    } catch {
      // Not this name on this system; try the next.
    }
  }
  return undefined;
}

const cString = (text: string) => Buffer.from(`${text}\0`);

/** A NULL-terminated array of C string pointers; `strings` keeps the pointed-to buffers alive. */
function cStringTable(items: string[]) {
  const strings = items.map(cString);
  const pointers = new BigUint64Array(items.length + 1);
  strings.forEach((buffer, i) => (pointers[i] = BigInt(ptr(buffer))));
  return { strings, pointers };
}
