#!/usr/bin/env bun
// One entry point: the gateway server (`serve`, the default) and the admin CLI.
import { runCli } from "./cli/run.ts";

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
