#!/usr/bin/env node
// Lets forge use solc-js: forge calls `solc --version` and `solc --standard-json` (input on stdin).
'use strict';
const solc = require('solc');

if (process.argv.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
} else if (process.argv.includes('--standard-json')) {
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => process.stdout.write(solc.compile(Buffer.concat(chunks).toString('utf8'))));
} else {
  process.stderr.write('solc-for-forge: only --version and --standard-json are supported\n');
  process.exit(2);
}
