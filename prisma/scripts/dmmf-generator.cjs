#!/usr/bin/env node
// A Prisma generator that writes the schema's DMMF (Prisma's own parsed data model) as JSON to its `output`.
// The drift test uses it because Prisma 7's generated client no longer carries the DMMF and @prisma/internals
// is not a dependency. It speaks the generator protocol of @prisma/generator-helper: JSON-RPC requests, one per
// line on stdin, answers on stderr.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

function respond(message) {
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  try {
    if (request.method === 'getManifest') {
      respond({
        id: request.id,
        result: { manifest: { prettyName: 'DMMF (drift test)', defaultOutput: 'dmmf.json' } },
      });
    } else if (request.method === 'generate') {
      const output = request.params.generator.output.value;
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, JSON.stringify(request.params.dmmf.datamodel, null, 2));
      respond({ id: request.id, result: null });
    }
  } catch (error) {
    respond({ id: request.id, error: { code: -32000, message: error.message, data: { stack: error.stack } } });
  }
});
