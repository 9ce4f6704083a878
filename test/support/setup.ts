import { setDefaultTimeout } from "bun:test";

// Integration tests start databases, gateways and CLI processes: the 5 s default is too tight on a 2-core machine.
setDefaultTimeout(30_000);
