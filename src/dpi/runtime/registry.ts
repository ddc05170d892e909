import { existsSync, readdirSync } from 'node:fs';
import { registerProtocol } from '../api/catalog.js';
import { type Dissector, type DpiFieldSpec } from '../api/dissector.js';

// Finds the dissectors: every folder under dpi/protocols/ with an index module whose default
// export is a Dissector. Adding a protocol is adding a folder (`npm run new-dissector NAME`).

async function discover(): Promise<Dissector[]> {
  const dir = new URL('../protocols/', import.meta.url);
  // '_template' and other folders starting with '_' are not protocols
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('_') && existsSync(new URL(`../protocols/${n}/index.js`, import.meta.url))).sort() : [];
  // loaded side by side (one after the other, the loader waited on the disk ~130 times); kept in name order
  const modules = await Promise.all(names.map((name) => import(`../protocols/${name}/index.js`) as Promise<{ default?: Dissector }>));
  const found: Dissector[] = [];
  for (const [i, name] of names.entries()) {
    const d = modules[i]!.default;
    if (!d || typeof d.inspect !== 'function' || typeof d.probe !== 'function') {
      throw new Error(`dpi/protocols/${name}: index must export a dissector as default (see dpi/api/dissector.ts)`);
    }
    if (d.name !== name) throw new Error(`dpi/protocols/${name}: dissector is named '${d.name}', expected '${name}'`);
    found.push(d);
  }
  return found;
}

export const DISSECTORS: readonly Dissector[] = await discover();

/** the ids of each dissector's protocols, in its declaration order */
export const DISSECTOR_PROTOCOL_IDS: readonly (readonly number[])[] = DISSECTORS.map((d) => d.protocols.map((p) => registerProtocol(p)));

/** the dissectors that declare fields, with their fields (an object per dissector in records) */
export const DPI_FIELD_GROUPS: readonly { dissector: string; fields: readonly DpiFieldSpec[] }[] = DISSECTORS
  .filter((d) => (d.fields ?? []).length > 0)
  .map((d) => {
    const names = new Set<string>();
    for (const f of d.fields!) {
      if (names.has(f.name)) throw new Error(`dpi/protocols/${d.name}: field '${f.name}' declared twice`);
      names.add(f.name);
    }
    return { dissector: d.name, fields: d.fields! };
  });
