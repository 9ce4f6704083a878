import { hostname } from "node:os";

/**
 * This gateway process among those sharing one database (`host:pid`): the
 * rows each process keeps of its own (supplier health, request counts) are
 * keyed by it, so every table names a process the same way.
 */
export const PROCESS_ID = `${hostname()}:${process.pid}`;
