import { type FlowDetail, get } from '../api.js';
import { packetChart } from '../charts.js';
import { h } from '../dom.js';
import { bytes, endpoint, time } from '../format.js';
import { href } from '../state.js';
import { panel } from './overview.js';

// One flow: what sonde decoded of it, its risks and why, its first packets, and the flows around it.

const TIME_FIELDS = /(^|_)(first|last)_seen(_c2s|_s2c)?$/;

function show(key: string, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && TIME_FIELDS.test(key)) return `${time(v)} UTC`;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function fieldsTable(o: Record<string, unknown>): HTMLElement {
  return h('table', { class: 'fields' }, h('tbody', {}, ...Object.entries(o).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, show(k, v))))));
}

export async function flow(view: HTMLElement, id: string): Promise<void> {
  const d = await get<FlowDetail>(`/api/flows/${encodeURIComponent(id)}`);
  const f = d.flow;
  const name = (f.application as string | null) ?? (f.protocol as string | null) ?? 'unknown';
  const title = `${endpoint(String(f.src), Number(f.sport))} → ${endpoint(String(f.dst), Number(f.dport))} ${String(f.l4)}`;
  const risks = d.risks.length === 0
    ? h('p', { class: 'muted' }, 'No risk flagged.')
    : h('table', {}, h('tbody', {}, ...d.risks.map((r) => h('tr', {},
      h('td', { class: `sev-${r.severity ?? 'low'}` }, r.severity ?? ''),
      h('td', {}, h('a', { href: `/flows?risk=${encodeURIComponent(r.name)}` }, r.name)),
      h('td', {}, r.description ?? ''),
      h('td', { class: 'muted' }, r.reason ?? '')))));
  const related = h('ul', {},
    h('li', {}, h('a', { href: href('/flows', new URLSearchParams({ client: d.related.client })) }, `${d.related.same_client.toLocaleString('en-US')} other flows of this client`), ' · ', h('a', { href: `/hosts/${encodeURIComponent(d.related.client)}` }, `host ${d.related.client}`)),
    h('li', {}, h('a', { href: href('/flows', new URLSearchParams({ server: d.related.server })) }, `${d.related.same_server.toLocaleString('en-US')} other flows to this server`), ' · ', h('a', { href: `/hosts/${encodeURIComponent(d.related.server)}` }, `host ${d.related.server}`)),
    f.hostname ? h('li', {}, h('a', { href: `/hosts/${encodeURIComponent(String(f.hostname))}` }, `server name ${String(f.hostname)}`)) : null);
  const sizes = (f.early_sizes as number[] | null) ?? [];
  const dirs = (f.early_dirs as number[] | null) ?? [];
  const gaps = (f.early_iats_ms as number[] | null) ?? [];
  view.append(
    h('h1', {}, `${name}: ${title}`),
    h('p', { class: 'muted' }, `${time(Number(f.first_seen))} – ${time(Number(f.last_seen))} UTC · ${bytes(Number(f.bytes_c2s) + Number(f.bytes_s2c))} · identified by ${String(f.confidence)} · flow ${id}`),
    h('div', { class: 'grid' },
      panel('Risks', risks),
      panel('Related flows', related),
      h('section', { class: 'panel wide' }, h('h2', {}, 'First packets'),
        // the vectors are stored only when the run was asked to (they cost a third of a flow's row)
        f.early_sizes === undefined ? h('p', { class: 'muted' }, 'Not stored: the run that wrote this flow had no --store-features.') : packetChart(sizes, dirs, gaps)),
      panel('Every field', fieldsTable(f)),
      ...Object.entries(d.protocols).map(([p, o]) => panel(`${p} fields`, fieldsTable(o))),
    ),
  );
}
