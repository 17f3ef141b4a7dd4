#!/usr/bin/env node
// The `gatehouse` command (npm links it into node_modules/.bin for the workspace). It runs the TypeScript
// sources through tsx, already a dependency of the repository, rather than a build: `npx gatehouse` then works
// right after `npm install` in a clean clone, offline, and can never run stale output of an older build.
'use strict';
const path = require('node:path');

// The repository's tsconfig, whatever the working directory (a CI checkout of policies may have its own).
process.env.TSX_TSCONFIG_PATH = path.join(__dirname, '..', '..', '..', 'tsconfig.json');
require('tsx/cjs/api').register();

// A reader that stops early (`gatehouse policy diff | head`) closes the pipe: stop quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { runCli } = require('../src/run-cli.ts');
runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
