#!/usr/bin/env node
// Checks the built package the way a user gets it: `import 'boaster'` from an
// ESM script and `require('boaster')` from a CJS script, resolved through the
// package.json "exports" map, with types present. Run after `npm run build`
// (or pass --build). Exits non-zero with a message on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });

for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js']) {
  if (!existsSync(join(root, file))) {
    console.error(`missing ${file}: run "npm run build" first`);
    process.exit(1);
  }
}

const consumer = join(root, '.ci-out', 'consumer');
rmSync(consumer, { recursive: true, force: true });
mkdirSync(join(consumer, 'node_modules'), { recursive: true });
symlinkSync(root, join(consumer, 'node_modules', 'boaster'), 'dir');

// Each script imports the package, uses a few exports, and reports what it
// sees. Importing must have no side effects: no output, and no handle (socket,
// timer, file) left open. The probe's own timer is the one allowed handle.
const probe = `
  const exportsSeen = Object.keys(boaster).sort();
  const wire = boaster.encodePacket({ questions: [{ name: 'boaster.local', type: 'A' }] });
  const back = boaster.decodePacket(wire).questions[0].name;
  const txt = boaster.decodeTxt(boaster.encodeTxt({ model: 'x', ok: true }));
  // Let the module loader finish closing the files it read, then look.
  setTimeout(() => {
    // Our own timer is still listed while its callback runs; nothing else may be.
    const handles = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const own = handles.indexOf('Timeout');
    if (own >= 0) handles.splice(own, 1);
    console.log(JSON.stringify({ count: exportsSeen.length, back, txt, handles }));
  }, 20);
`;
writeFileSync(join(consumer, 'esm.mjs'), `import * as boaster from 'boaster';\n${probe}`);
writeFileSync(join(consumer, 'cjs.cjs'), `const boaster = require('boaster');\n${probe}`);

const results = {};
for (const script of ['esm.mjs', 'cjs.cjs']) {
  const out = execFileSync(process.execPath, [join(consumer, script)], { cwd: consumer, encoding: 'utf8', timeout: 20_000 });
  const result = JSON.parse(out.trim());
  if (result.back !== 'boaster.local' || result.txt.model !== 'x' || result.txt.ok !== true) {
    console.error(`${script}: the package did not work: ${out}`);
    process.exit(1);
  }
  if (result.handles.length > 0) {
    console.error(`${script}: importing boaster left handles open: ${result.handles.join(', ')}`);
    process.exit(1);
  }
  results[script] = result.count;
}
if (results['esm.mjs'] !== results['cjs.cjs']) {
  console.error(`ESM exposes ${results['esm.mjs']} exports but CJS ${results['cjs.cjs']}`);
  process.exit(1);
}
// The command-line tool is installed as the package's bin.
const help = execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), '--help'], { encoding: 'utf8', timeout: 20_000 });
if (!['usage: boaster COMMAND', 'publish NAME TYPE PORT', 'browse TYPE', 'resolve NAME.local'].every((s) => help.includes(s))) {
  console.error(`dist/cli.js --help printed no usage: ${help}`);
  process.exit(1);
}
rmSync(consumer, { recursive: true, force: true });
console.log(`package ok: ESM and CJS both load boaster (${results['esm.mjs']} exports)`);
