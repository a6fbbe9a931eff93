#!/usr/bin/env node
// Compiles the contracts with solc-js and writes <out>/<Name>.abi, <Name>.bin and build-info.json.
// Usage: node scripts/compile.js [outDir]   (default: target/contracts)
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(root, process.argv[2] || 'target/contracts');
const deployed = ['HospitalDirectory', 'ConsentRegistry', 'RecordAnchor', 'ConsortiumMultisig'];
const extra = { TimelockController: '@openzeppelin/contracts/governance/TimelockController.sol' };

const sources = {};
for (const file of fs.readdirSync(path.join(root, 'src')).filter((f) => f.endsWith('.sol'))) {
  sources[`src/${file}`] = { content: fs.readFileSync(path.join(root, 'src', file), 'utf8') };
}
for (const file of Object.values(extra)) {
  sources[file] = { content: fs.readFileSync(path.join(root, 'node_modules', file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 10000 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.methodIdentifiers'] } },
  },
};

function findImports(importPath) {
  const candidate = path.join(root, 'node_modules', importPath);
  if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  return { error: `import not found: ${importPath}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const message of output.errors || []) console.error(message.formattedMessage);
if (errors.length > 0) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
const wanted = new Map(deployed.map((name) => [name, `src/${name}.sol`]));
for (const [name, file] of Object.entries(extra)) wanted.set(name, file);
for (const [name, file] of wanted) {
  const contract = output.contracts[file][name];
  fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi));
  fs.writeFileSync(path.join(outDir, `${name}.bin`), contract.evm.bytecode.object);
}
fs.writeFileSync(
  path.join(outDir, 'build-info.json'),
  JSON.stringify({ solcVersion: solc.version(), settings: input.settings, contracts: [...wanted.keys()] }, null, 2),
);
console.log(`compiled ${wanted.size} contracts with solc ${solc.version()} into ${path.relative(root, outDir)}`);
