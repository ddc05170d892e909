import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The CLI as one file (dist/cli/sonde.bundle.js), built after tsc by `npm run build`: Node then
// compiles one module where it found ~700, and `sonde analyze` on a small capture starts ~0.14 s
// sooner. bin/sonde runs it when it is newer than dist/cli/main.js, and dist/ as tsc wrote it
// otherwise. What stays out of the bundle, loaded from node_modules or dist/ when used: fastify
// (imported only when a dashboard starts), DuckDB's API, and the worker threads' own entry files.
// The worker of `--workers N` gets a bundle of its own (dist/engine/shard-worker.bundle.js, used
// by sharded.ts on the same rule): each worker starts ~0.2 s sooner.
// Every sonde module a command uses is inside: a module loaded from dist/ beside the bundle
// would be a second copy, with classes of its own (an error of one copy is not an instance of
// the other's class).
//
// Two things the bundle must keep: each module's import.meta.url (paths to data files, the
// package.json, the workers are relative to it), rewritten to the module's own file; and the
// dissectors, which the registry finds by listing dpi/protocols/: here they become static imports.

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY = join(DIST, 'dpi', 'runtime', 'registry.js');

const protocols = readdirSync(join(DIST, 'dpi', 'protocols'))
  .filter((n) => !n.startsWith('_') && existsSync(join(DIST, 'dpi', 'protocols', n, 'index.js')))
  .sort();

/** the registry's discovery as static imports of the same folders, in the same order, with the same checks */
function staticRegistry(source: string): string {
  const discover = /async function discover\(\) \{[\s\S]*?\n\}\n/;
  if (!discover.test(source)) throw new Error('bundle-cli: dpi/runtime/registry.js no longer has discover(): update src/tools/bundle-cli.ts');
  const imports = protocols.map((n, i) => `import * as dissector${i} from '../protocols/${n}/index.js';`).join('\n');
  const body = `async function discover() {
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
  return `${imports}\n${source.replace(discover, body)}`;
}

async function bundle(entry: string, out: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
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
          text = text.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(own)}, import.meta.url).href`);
          return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    }],
  });
}

await bundle(join(DIST, 'cli', 'main.js'), join(DIST, 'cli', 'sonde.bundle.js'));
await bundle(join(DIST, 'engine', 'shard-worker.js'), join(DIST, 'engine', 'shard-worker.bundle.js'));
