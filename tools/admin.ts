#!/usr/bin/env node
// The operator's command line: check and import configuration, and look at or act on a running cluster.
//
//   npm run admin -- config check chat.yaml
//   npm run admin -- config import-genesys ChatServer.ini --out chat.yaml
//   npm run admin -- sessions list
//   npm run admin -- session show <id> | session close <id>
//   npm run admin -- drain <node id>
//   npm run admin -- counters [--node <id>] [--content all|new|set] [--reset] [--metadata] [--prometheus] [--gms-info] [--raw]
import { AdminCommandError, runAdminCommand } from '@ocs/wiring';

runAdminCommand(process.argv.slice(2)).then(
  (output) => {
    if (output.notes) process.stderr.write(`${output.notes}\n`);
    process.stdout.write(`${output.text}\n`);
    if (output.failed) process.exitCode = 1;
  },
  (error: unknown) => {
    process.stderr.write(`admin: ${error instanceof AdminCommandError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof AdminCommandError ? 2 : 1;
  },
);
