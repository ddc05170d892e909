import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The CLI as one file (dist/cli/sonde.bundle.cjs), built after tsc by `npm run build`: Node then
// compiles one module where it found ~700, and `sonde analyze` on a small capture starts ~0.14 s
// sooner. bin/sonde runs it when it is newer than dist/cli/main.js, and dist/ as tsc wrote it
// otherwise. What stays out of the bundle, loaded from node_modules or dist/ when used: fastify
// (imported only when a dashboard starts), DuckDB's API, and the worker threads' own entry files.
// The worker of `--workers N` gets a bundle of its own (dist/engine/shard-worker.bundle.js, used
// by sharded.ts on the same rule): each worker starts ~0.2 s sooner.
//
// The CLI's bundle is CommonJS so that bin/sonde can run it through vm.Script with V8's code
// cache (Node 20 has no compile cache for ES modules): the cache, written here by one run of the
// bundle on a small capture, holds the bytecode of every function that run compiled, which saves
// ~50 ms of each start. It is used only when newer than the bundle; V8 itself refuses it after a
// Node upgrade or under other V8 flags, and the bundle then compiles as before.
// Every sonde module a command uses is inside: a module loaded from dist/ beside the bundle
// would be a second copy, with classes of its own (an error of one copy is not an instance of
// the other's class).
//
// Two things the bundle must keep: each module's import.meta.url (paths to data files, the
// package.json, the workers are relative to it), rewritten to the module's own file; and the
// dissectors, which the registry finds by listing dpi/protocols/: here they become static imports
// (no top-level await: CommonJS has none).

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(DIST, '..');
const CLI_BUNDLE = join(DIST, 'cli', 'sonde.bundle.cjs');
const CODE_CACHE = join(DIST, 'cli', 'sonde.bundle.v8cache');
/** where the CommonJS bundle finds its own URL (import.meta.url's stand-in) */
const BUNDLE_URL = '__sondeBundleUrl';
/**
 * what the CommonJS bundle imports packages with (fastify): a function compiled from V8's code
 * cache has lost vm.Script's dynamic import callback, so `import('pkg')` would fail there; a
 * require() in a promise, with the namespace's `default`, does what the import did
 */
const IMPORT_PACKAGE = '__sondeImportPackage';
const CJS_BANNER = [
  `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;`,
  `const ${IMPORT_PACKAGE} = (name) => new Promise((resolve) => { const m = require(name); resolve(m !== null && (typeof m === 'object' || typeof m === 'function') && 'default' in m ? m : Object.assign({ default: m }, m)); });`,
].join('\n');
const REGISTRY = join(DIST, 'dpi', 'runtime', 'registry.js');

const protocols = readdirSync(join(DIST, 'dpi', 'protocols'))
  .filter((n) => !n.startsWith('_') && existsSync(join(DIST, 'dpi', 'protocols', n, 'index.js')))
  .sort();

/** the registry's discovery as static imports of the same folders, in the same order, with the same checks */
function staticRegistry(source: string): string {
  const discover = /async function discover\(\) \{[\s\S]*?\n\}\n/;
  if (!discover.test(source)) throw new Error('bundle-cli: dpi/runtime/registry.js no longer has discover(): update src/tools/bundle-cli.ts');
  const imports = protocols.map((n, i) => `import * as dissector${i} from '../protocols/${n}/index.js';`).join('\n');
  const body = `function discover() {
  const names = ${JSON.stringify(protocols)};
  const modules = [${protocols.map((_, i) => `dissector${i}`).join(', ')}];
  return names.map((name, i) => {
    const d = modules[i].default;
    if (!d || typeof d.inspect !== 'function' || typeof d.probe !== 'function') throw new Error(\`dpi/protocols/\${name}: index must export a dissector as default (see dpi/api/dissector.ts)\`);
    if (d.name !== name) throw new Error(\`dpi/protocols/\${name}: dissector is named '\${d.name}', expected '\${name}'\`);
    return d;
  });
}
`;
  const uses = /= await discover\(\);/;
  if (!uses.test(source)) throw new Error('bundle-cli: dpi/runtime/registry.js no longer awaits discover(): update src/tools/bundle-cli.ts');
  return `${imports}\n${source.replace(discover, body).replace(uses, '= discover();')}`;
}

async function bundle(entry: string, out: string, format: 'esm' | 'cjs'): Promise<void> {
  const ownUrl = format === 'esm' ? 'import.meta.url' : BUNDLE_URL;
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    banner: format === 'cjs' ? { js: CJS_BANNER } : {},
    // loaded from dist/ or node_modules when a command needs them
    external: ['@duckdb/*', 'fastify', 'playwright-core', 'uplot', 'esbuild'],
    logLevel: 'warning',
    plugins: [{
      name: 'sonde-modules',
      setup(b) {
        b.onLoad({ filter: /\.js$/ }, (args) => {
          if (!args.path.startsWith(DIST)) return undefined;
          let text = readFileSync(args.path, 'utf8');
          if (args.path === REGISTRY) text = staticRegistry(text);
          const own = relative(dirname(out), args.path);
          text = text.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(own)}, ${ownUrl}).href`);
          // packages imported when a command needs them (sonde modules' imports are bundled)
          if (format === 'cjs') text = text.replace(/\bimport\((['"])([^./'"][^'"]*)\1\)/g, `${IMPORT_PACKAGE}('$2')`);
          return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    }],
  });
}

/** one run of the new bundle with SONDE_WRITE_CODE_CACHE set: bin/sonde writes the cache as it exits */
function writeCodeCache(): void {
  const sample = join(ROOT, 'test', 'fixtures', 'sample.pcap');
  const args = existsSync(sample) ? ['analyze', sample, '--no-store', '-q'] : ['--help'];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'sonde'), ...args], { env: { ...process.env, SONDE_WRITE_CODE_CACHE: CODE_CACHE }, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(CODE_CACHE)) throw new Error(`bundle-cli: the bundle did not run (${(r.stderr ?? '').trim().split('\n')[0]})`);
}

rmSync(CODE_CACHE, { force: true });
rmSync(join(DIST, 'cli', 'sonde.bundle.js'), { force: true }); // the ES module bundle of earlier builds
await bundle(join(DIST, 'cli', 'main.js'), CLI_BUNDLE, 'cjs');
await bundle(join(DIST, 'engine', 'shard-worker.js'), join(DIST, 'engine', 'shard-worker.bundle.js'), 'esm');
writeCodeCache();
