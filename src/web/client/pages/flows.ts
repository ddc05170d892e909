import { type FlowPage, get, type Options } from '../api.js';
import { h } from '../dom.js';
import { bytes, duration, endpoint, num, time } from '../format.js';
import { filters, navigate, params, update } from '../state.js';

// The flow table: filters (kept in the URL), sorting by a column header, paging through millions.

const FIELDS: { key: string; label: string; list?: keyof Options; placeholder?: string }[] = [
  { key: 'application', label: 'application', list: 'applications' },
  { key: 'category', label: 'category', list: 'categories' },
  { key: 'protocol', label: 'protocol', list: 'protocols' },
  { key: 'host', label: 'host name', placeholder: 'example.com' },
  { key: 'address', label: 'address', placeholder: 'either end' },
  { key: 'client', label: 'client' },
  { key: 'server', label: 'server' },
  { key: 'port', label: 'port' },
  { key: 'l4', label: 'transport', list: 'l4' },
  { key: 'risk', label: 'risk', list: 'risks' },
  { key: 'severity', label: 'severity' },
  { key: 'confidence', label: 'identified by', list: 'confidences' },
];

const COLUMNS: { title: string; sort?: string; num?: boolean; cell: (f: FlowPage['flows'][number]) => Node | string }[] = [
  { title: 'first packet', sort: 'first_seen', cell: (f) => h('a', { href: `/flows/${f.id}` }, time(f.first_seen)) },
  { title: 'client', sort: 'src', cell: (f) => endpoint(f.src, f.sport) },
  { title: 'server', sort: 'dst', cell: (f) => endpoint(f.dst, f.dport) },
  { title: 'l4', cell: (f) => String(f.l4) },
  { title: 'application', sort: 'application', cell: (f) => f.application ?? f.protocol ?? 'unknown' },
  { title: 'protocol', sort: 'protocol', cell: (f) => f.protocol ?? '' },
  { title: 'host', sort: 'hostname', cell: (f) => f.hostname ?? '' },
  { title: 'bytes', sort: 'bytes', num: true, cell: (f) => bytes(f.bytes) },
  { title: 'packets', sort: 'packets', num: true, cell: (f) => num(f.packets) },
  { title: 'duration', sort: 'duration', num: true, cell: (f) => duration(f.duration) },
  { title: 'risks', cell: (f) => h('span', {}, ...f.risks.map((r) => h('span', { class: 'tag' }, r))) },
];

let options: Options | null = null;

export async function flows(view: HTMLElement): Promise<void> {
  const q = params();
  const f = filters(q);
  const page = new URLSearchParams(f);
  for (const k of ['sort', 'order', 'limit', 'offset']) {
    const v = q.get(k);
    if (v) page.set(k, v);
  }
  const [result, opts] = await Promise.all([get<FlowPage>('/api/flows', page), options ? Promise.resolve(options) : get<Options>('/api/options')]);
  options = opts;
  view.append(h('h1', {}, 'Flows'), filterForm(f, opts), table(result), pager(result));
}

function filterForm(f: URLSearchParams, opts: Options): HTMLElement {
  const form = h('form', { class: 'filters panel', id: 'flow-filters' });
  for (const field of FIELDS) {
    const listId = field.list ? `opts-${field.key}` : null;
    const input = h('input', { name: field.key, value: f.get(field.key) ?? '', list: listId, placeholder: field.placeholder ?? null, autocomplete: 'off' });
    form.append(h('label', {}, field.label, input));
    if (field.list) {
      const values = field.list === 'risks' ? opts.risks.map((r) => r.name) : (opts[field.list] as string[]);
      form.append(h('datalist', { id: listId }, ...values.map((v) => h('option', { value: v }))));
    }
  }
  form.append(h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Filter'), ' ', h('button', { type: 'button', onclick: () => navigate('/flows', keepRange()) }, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const changes: Record<string, string | null> = { offset: null };
    for (const field of FIELDS) changes[field.key] = (form.elements.namedItem(field.key) as HTMLInputElement).value.trim() || null;
    update(changes, '/flows');
  });
  return form;
}

function keepRange(): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['from', 'to']) {
    const v = params().get(k);
    if (v) q.set(k, v);
  }
  return q;
}

function table(r: FlowPage): HTMLElement {
  if (r.flows.length === 0) return h('p', { class: 'muted', id: 'flow-count' }, 'No flow matches these filters.');
  const head = h('tr', {}, ...COLUMNS.map((c) => {
    if (!c.sort) return h('th', { class: c.num ? 'num' : null }, c.title);
    const sorted = r.sort === c.sort;
    const th = h('th', { class: ['sortable', c.num ? 'num' : '', sorted ? 'sorted' : '', sorted && r.order === 'asc' ? 'asc' : ''].filter(Boolean).join(' '), 'data-sort': c.sort, tabindex: 0 }, c.title);
    const sort = (): void => update({ sort: c.sort!, order: sorted && r.order === 'desc' ? 'asc' : 'desc', offset: null });
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => ((e as KeyboardEvent).key === 'Enter' ? sort() : undefined));
    return th;
  }));
  const rows = r.flows.map((f) => {
    const tr = h('tr', { 'data-flow': f.id }, ...COLUMNS.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(f))));
    return tr;
  });
  return h('div', { class: 'panel scroll' }, h('p', { class: 'muted', id: 'flow-count' }, `${num(r.total)} flows`), h('table', { id: 'flow-table' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}

function pager(r: FlowPage): HTMLElement {
  const last = Math.min(r.total, r.offset + r.flows.length);
  const prev = h('button', { type: 'button', disabled: r.offset === 0, onclick: () => update({ offset: String(Math.max(0, r.offset - r.limit)) }) }, '← previous');
  const next = h('button', { type: 'button', disabled: last >= r.total, onclick: () => update({ offset: String(r.offset + r.limit) }) }, 'next →');
  return h('div', { class: 'pager' }, prev, h('span', { class: 'muted' }, r.total ? `${num(r.offset + 1)}–${num(last)} of ${num(r.total)}` : ''), next);
}
