#!/usr/bin/env node
// Checks the package the way a user gets it: `npm pack`, then the tarball
// installed into a scratch project, where
// - an ESM script and a CJS script load every entry point (`boaster`,
//   `boaster/wire`, `boaster/transport`, `boaster/testing`) through the
//   "exports" map, use a few exports, and leave no handle open (importing
//   has no side effects);
// - an ESM TypeScript program (.mts) and a CommonJS one (.cts) compile
//   against the installed types with the strictest options (nodenext,
//   strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess), and run;
// - the README's Quick start compiles against it as it stands;
// - the `boaster` bin prints its usage and version;
// - the tarball carries no TypeScript sources (maps without sourcesContent).
// Run after `npm run build` (or pass --build). Prints one summary line;
// exits non-zero with a message on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = ['index', 'wire', 'transport', 'testing'];
if (process.argv.includes('--build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });

function fail(message) {
  console.error(`check-package: ${message}`);
  process.exit(1);
}

for (const base of ENTRIES) {
  for (const ext of ['js', 'cjs', 'd.ts', 'd.cts'])
    if (!existsSync(join(root, 'dist', `${base}.${ext}`)))
      fail(`missing dist/${base}.${ext}: run "npm run build" first`);
}
if (!existsSync(join(root, 'dist', 'cli.js'))) fail('missing dist/cli.js: run "npm run build" first');

const scratch = join(root, '.ci-out', 'consumer');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }),
)[0];
const tarball = join(scratch, packed.filename);
for (const f of packed.files)
  if (/\.tsx?$/.test(f.path) && !f.path.endsWith('.d.ts') && !f.path.endsWith('.d.cts'))
    fail(`the tarball carries a source file: ${f.path}`);
for (const f of packed.files.filter((x) => x.path.endsWith('.map'))) {
  if ('sourcesContent' in JSON.parse(readFileSync(join(root, f.path), 'utf8'))) fail(`${f.path} embeds the sources`);
}
writeFileSync(
  join(scratch, 'package.json'),
  JSON.stringify({ name: 'boaster-consumer', private: true, type: 'module' }),
);
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball], {
  cwd: scratch,
  stdio: 'ignore',
  timeout: 120_000,
});

// Each script loads every entry, uses a few exports, and reports what it sees.
const probe = (load) => `
  const root = ${load('boaster')};
  const wire = ${load('boaster/wire')};
  const transport = ${load('boaster/transport')};
  const testing = ${load('boaster/testing')};
  const packet = wire.encodePacket({ questions: [{ name: 'boaster.local', type: 'A' }] });
  const back = wire.decodePacket(packet).questions[0].name;
  const txt = root.decodeTxt(root.encodeTxt({ model: 'x', ok: true }));
  const kinds = [typeof root.Mdns, typeof root.Responder, typeof transport.UdpTransport, typeof testing.FakeTransport];
  // One class everywhere: an error from a subpath is the root's BoasterError.
  const shared = new wire.WireEncodeError('BAD_NAME', 'x') instanceof root.BoasterError;
  // Let the module loader finish closing the files it read, then look.
  setTimeout(() => {
    const handles = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const own = handles.indexOf('Timeout');
    if (own >= 0) handles.splice(own, 1);
    console.log(JSON.stringify({ count: Object.keys(root).length, back, txt, kinds, shared, handles }));
  }, 20);
`;
writeFileSync(
  join(scratch, 'esm.mjs'),
  probe((m) => `await import('${m}')`),
);
writeFileSync(
  join(scratch, 'cjs.cjs'),
  probe((m) => `require('${m}')`),
);

const results = {};
for (const script of ['esm.mjs', 'cjs.cjs']) {
  const out = execFileSync(process.execPath, [join(scratch, script)], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const r = JSON.parse(out.trim());
  if (r.back !== 'boaster.local' || r.txt.model !== 'x' || r.txt.ok !== true)
    fail(`${script}: the package did not work: ${out}`);
  if (r.kinds.some((k) => k !== 'function'))
    fail(`${script}: an entry point lacks its main export: ${r.kinds.join(', ')}`);
  if (!r.shared) fail(`${script}: boaster/wire's errors are not the root's BoasterError (two copies of the library)`);
  if (r.handles.length > 0) fail(`${script}: importing boaster left handles open: ${r.handles.join(', ')}`);
  results[script] = r.count;
}
if (results['esm.mjs'] !== results['cjs.cjs'])
  fail(`ESM exposes ${results['esm.mjs']} root exports but CJS ${results['cjs.cjs']}`);

// TypeScript programs against the installed types, strictest options.
const program = `
import { Mdns, Responder, BoasterError, encodeTxt, type ServiceInstance, type ServiceErrorCode } from 'boaster';
import { encodePacket, type ResourceRecord } from 'boaster/wire';
import { FakeTransport, fakeInterface } from 'boaster/testing';
const transport = new FakeTransport([fakeInterface()]);
const mdns = new Mdns({ transport, hostName: 'consumer' });
const responder: Responder = mdns.responder;
const code: ServiceErrorCode = 'BAD_PORT';
const record: ResourceRecord = { name: 'a.local', type: 'A', class: 1, ttl: 120, data: '192.0.2.1' };
const seen = (s: ServiceInstance): string => s.name;
const bytes: number = encodePacket({ answers: [record] }).length + encodeTxt({ k: 'v' }).length;
void responder;
void seen;
console.log(JSON.stringify({ ok: bytes > 0 && code === 'BAD_PORT' && new BoasterError('INTERNAL', 'y') instanceof Error }));
void mdns.close();
`;
writeFileSync(join(scratch, 'program.mts'), program);
// The README's Quick start, verbatim: it must compile against the package as installed (it is not run: it would open sockets).
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const quick = /## Quick start\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
if (!quick) fail('README.md has no ```ts block under "## Quick start"');
writeFileSync(join(scratch, 'quickstart.mts'), `${quick}export {};\n`);
writeFileSync(join(scratch, 'program.cts'), program);
const tsconfig = (file, module) => ({
  compilerOptions: {
    module,
    moduleResolution: module,
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    skipLibCheck: false,
    outDir: 'out',
    typeRoots: [join(root, 'node_modules', '@types')],
  },
  files: Array.isArray(file) ? file : [file],
});
writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig(['program.mts', 'quickstart.mts'], 'nodenext')));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig('program.cts', 'node16')));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
} catch (e) {
  fail(`a TypeScript program does not compile against the package:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
}
for (const js of ['program.mjs', 'program.cjs']) {
  const out = execFileSync(process.execPath, [join(scratch, 'out', js)], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (!out.includes('{"ok":true}')) fail(`out/${js} did not run: ${out}`);
}

// The command-line tool is installed as the package's bin.
const bin = join(scratch, 'node_modules', '.bin', 'boaster');
const help = execFileSync(bin, ['--help'], { encoding: 'utf8', timeout: 20_000 });
if (
  !['usage: boaster COMMAND', 'publish NAME TYPE PORT', 'browse TYPE', 'resolve NAME.local'].every((s) =>
    help.includes(s),
  )
)
  fail(`the boaster bin printed no usage: ${help}`);
const version = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 }).trim();
const expected = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (version !== `boaster ${expected}`) fail(`boaster --version printed "${version}", not "boaster ${expected}"`);

rmSync(scratch, { recursive: true, force: true });
console.log(
  `package ok: ${packed.filename} ${packed.size} B (${packed.files.length} files), installed; ESM and CJS load every entry (${results['esm.mjs']} root exports); strict ESM and CJS TypeScript programs compile and run; the README's Quick start compiles; the bin works`,
);
