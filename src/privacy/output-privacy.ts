// What a flow record may carry once it leaves the engine: with a key, pseudonyms for every address
// (pseudonymizer.ts); under --privacy strict, host names cut to their registrable domain, URL
// paths, user agents and other identifying fields left out (each protocol declares which of its
// fields are which: DpiFieldSpec.privacy), risk explanations emptied (they quote names, paths
// and agents), and no early packet gaps (a timing vector). The engine keeps working on the real
// values: a flow is copied before anything in it is changed.

import { isIP } from 'node:net';
import { type AlertRecord } from '../detect/alert.js';
import { DpiResults, FlowMeta } from '../dpi/runtime/results.js';
import { DPI_FIELD_GROUPS } from '../dpi/runtime/registry.js';
import { type FlowView } from '../flow/schema.js';
import { FlowSnapshot } from '../flow/snapshot.js';
import { withholdEarlyIats } from '../flow/table.js';
import { type Pseudonymizer } from './pseudonymizer.js';
import { publicSuffixes } from './public-suffix.js';

export type PrivacyLevel = 'standard' | 'strict';

type FieldPrivacy = 'host' | 'hosts' | 'identifying';
const FIELD_PRIVACY: ReadonlyMap<string, ReadonlyMap<string, FieldPrivacy>> = new Map(
  DPI_FIELD_GROUPS.map((g) => [g.dissector, new Map(g.fields.filter((f) => f.privacy).map((f) => [f.name, f.privacy!]))]),
);

/** a host name's registrable domain; an address, or `host:port` with its port kept */
export function registrableHost(value: string): string {
  if (value === '' || isIP(value) !== 0) return value;
  const colon = value.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(value.slice(colon + 1)) && !value.includes(']')) return `${registrableHost(value.slice(0, colon))}${value.slice(colon)}`;
  if (value.startsWith('[')) return value;
  return publicSuffixes().registrableDomain(value);
}

export class OutputPrivacy {
  private readonly table = new FlowSnapshot(1);
  private readonly dpi = new DpiResults();
  private readonly view: FlowView;

  constructor(private readonly pseudonymizer: Pseudonymizer | null, readonly level: PrivacyLevel) {
    this.dpi.ensure(1);
    this.view = { table: this.table.arrays, id: 0, capture: '', endReason: 'end', dpi: null };
  }

  /** nothing to change: the flows go out as they are */
  get passThrough(): boolean {
    return this.pseudonymizer === null && this.level === 'standard';
  }

  /** A view of the ended flow as it may be written, over this object's one-flow copy: valid until the next call. */
  flow(v: FlowView): FlowView {
    this.table.count = 0;
    this.table.add(v.table, v.id);
    const copy = this.table.arrays;
    this.pseudonymizer?.key(copy.keys, 0);
    if (this.level === 'strict') withholdEarlyIats(copy, 0);
    const view = this.view;
    view.capture = v.capture;
    view.endReason = v.endReason;
    view.dpi = null;
    if (v.dpi) {
      this.dpi.copyFlow(v.dpi, v.id, 0);
      const meta = v.dpi.meta[v.id];
      if (meta) this.dpi.meta[0] = this.meta(meta);
      view.dpi = this.dpi;
    }
    return view;
  }

  /** a copy of the DPI meta as it may be written */
  meta(m: FlowMeta): FlowMeta {
    const copy = Object.assign(new FlowMeta(), m);
    if (this.level === 'strict') {
      if (copy.hostname !== null) copy.hostname = registrableHost(copy.hostname);
      if (copy.riskInfo) copy.riskInfo = copy.riskInfo.map(() => '');
      const fields: Record<string, Record<string, unknown>> = {};
      for (const dissector of Object.keys(m.fields)) {
        const rules = FIELD_PRIVACY.get(dissector);
        const from = m.fields[dissector]!;
        if (!rules || rules.size === 0) {
          fields[dissector] = from;
          continue;
        }
        const to: Record<string, unknown> = {};
        for (const name of Object.keys(from)) {
          const rule = rules.get(name);
          const value = from[name];
          if (rule === 'identifying') continue;
          if (rule === 'host' && typeof value === 'string') to[name] = registrableHost(value);
          else if (rule === 'hosts' && Array.isArray(value)) to[name] = [...new Set(value.map((x) => (typeof x === 'string' ? registrableHost(x) : x)))];
          else to[name] = value;
        }
        fields[dissector] = to;
      }
      copy.fields = fields;
    }
    return this.pseudonymizer ? (this.deepText(copy) as FlowMeta) : structuredCopy(copy);
  }

  alert(a: AlertRecord): AlertRecord {
    return this.pseudonymizer ? this.pseudonymizer.alert(a) : a;
  }

  /** every string in the meta through the pseudonymizer, in a copy that keeps FlowMeta's prototype */
  private deepText(m: FlowMeta): FlowMeta {
    const p = this.pseudonymizer!;
    const deep = (value: unknown): unknown => {
      if (typeof value === 'string') return p.text(value);
      if (Array.isArray(value)) return value.map(deep);
      if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) out[k] = deep((value as Record<string, unknown>)[k]);
      return out;
    };
    return Object.setPrototypeOf(deep(m), FlowMeta.prototype) as FlowMeta;
  }
}

/** a copy that shares nothing mutable with the engine's meta (a flow cut by the active timeout goes on) */
function structuredCopy(m: FlowMeta): FlowMeta {
  return Object.setPrototypeOf(structuredClone({ ...m }), FlowMeta.prototype) as FlowMeta;
}
