import { type AlertRow, get, type NameRow, type PortRow, type RunRow, type Summary, type TalkerRow, type Timeline } from '../api.js';
import { alertTimeline, barTable, drawWhenShown, shareBar, stackedArea } from '../charts.js';
import { h } from '../dom.js';
import { bytes, num, pct, time } from '../format.js';
import { filters, href, params, update } from '../state.js';

// The overview: totals, how traffic was identified, traffic over time by application and by
// category, the top lists, and the alerts and runs of the range.

const CONFIDENCE_COLORS: Record<string, string> = {
  dpi: '#10b981', 'dns-cache': '#3b82f6', 'socket-cache': '#06b6d4', ip: '#8b5cf6', statistical: '#f59e0b', port: '#f97316', unknown: '#94a3b8',
};

export function card(label: string, value: string, title?: string): HTMLElement {
  return h('div', { class: 'card', title: title ?? null }, h('div', { class: 'v' }, value), h('div', { class: 'k' }, label));
}

export function panel(title: string, ...children: (Node | string)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

/** a timeline chart in a panel, with its metric picker */
export async function timelinePanel(title: string, by: string, base: URLSearchParams, id: string): Promise<HTMLElement> {
  const metric = params().get(`${id}_metric`) ?? 'bytes';
  const q = new URLSearchParams(base);
  q.set('by', by);
  q.set('metric', metric);
  const t = await get<Timeline>('/api/timeline', q);
  const chart = h('div', { class: 'chart', id, 'data-chart': by });
  const picker = h('select', { 'aria-label': 'metric', onchange: (e: Event) => update({ [`${id}_metric`]: (e.target as HTMLSelectElement).value }) },
    ...['bytes', 'packets', 'flows'].map((m) => h('option', { value: m, selected: m === metric }, m)));
  const p = h('section', { class: 'panel wide' }, h('h2', {}, title, ' ', picker), chart);
  // uPlot needs the element's width: drawn once the panel is in the page
  drawWhenShown(chart, () => stackedArea(chart, t, (from, to) => update({ from: String(from), to: String(to) })));
  return p;
}

export function identifiedPanel(s: Summary): HTMLElement {
  const parts = s.identified_by.map((r) => ({ name: r.confidence, value: r.bytes, color: CONFIDENCE_COLORS[r.confidence] ?? '#64748b' }));
  return panel('How traffic was identified (bytes)', shareBar(parts, bytes),
    h('p', { class: 'muted' }, 'dpi: payload dissectors · dns-cache: an earlier DNS answer · socket-cache: another flow of the same socket · ip: address lists · statistical: a model · port: a guess'));
}

export function namesTable(rows: NameRow[], linkKey: string, linkPath = '/flows'): HTMLElement {
  return barTable(rows, [
    { title: 'name', value: (r) => String(r.name) },
    { title: 'flows', value: (r) => num(r.flows), num: true },
    { title: 'bytes', value: (r) => bytes(r.bytes), num: true },
  ], (r) => r.bytes, (r) => (linkPath === '/hosts' ? `/hosts/${encodeURIComponent(String(r.name))}?${filters().toString()}` : href(linkPath, withFilter(linkKey, String(r.name)))));
}

export function withFilter(key: string, value: string): URLSearchParams {
  const q = filters();
  q.set(key, value);
  return q;
}

export function alertsTable(alerts: AlertRow[]): HTMLElement {
  if (alerts.length === 0) return h('p', { class: 'muted' }, 'No flood or scan alert in this range.');
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'kind'), h('th', {}, 'target'), h('th', {}, 'start'), h('th', {}, 'end'), h('th', { class: 'num' }, 'peak pps'), h('th', {}, 'evidence'))),
    h('tbody', {}, ...alerts.map((a) => h('tr', {},
      h('td', {}, a.kind, a.ongoing ? h('span', { class: 'tag' }, 'ongoing') : null),
      h('td', {}, h('a', { href: `/hosts/${encodeURIComponent(a.target)}` }, a.target)),
      h('td', {}, time(a.start)), h('td', {}, time(a.end)),
      h('td', { class: 'num' }, num(a.peak_pps)),
      h('td', { class: 'muted' }, a.evidence))))));
}

export async function overview(view: HTMLElement): Promise<void> {
  const f = filters();
  const [s, apps, cats, hosts, talkers, ports, alerts, runs] = await Promise.all([
    get<Summary>('/api/summary', f),
    get<NameRow[]>('/api/top/applications', f),
    get<NameRow[]>('/api/top/categories', f),
    get<NameRow[]>('/api/top/hosts', f),
    get<TalkerRow[]>('/api/top/talkers', f),
    get<PortRow[]>('/api/top/ports', f),
    get<AlertRow[]>('/api/alerts', alertParams(f)),
    get<RunRow[]>('/api/runs', runParams(f)),
  ]);
  const [byApp, byCat] = await Promise.all([timelinePanel('Traffic by application', 'application', f, 'tl_app'), timelinePanel('Traffic by category', 'category', f, 'tl_cat')]);
  view.append(
    h('h1', {}, 'Overview'),
    h('div', { class: 'cards' },
      card('flows', num(s.flows)), card('bytes', bytes(s.bytes)), card('packets', num(s.packets)),
      card('clients', num(s.clients)), card('servers', num(s.servers)),
      card('flows with risks', num(s.risky_flows)),
      card('bytes identified', s.identified_bytes_share === null ? '–' : pct(s.identified_bytes_share), 'share of bytes whose protocol or application sonde named')),
    h('div', { class: 'grid' },
      h('div', { class: 'wide' }, identifiedPanel(s)),
      byApp, byCat,
      panel('Top applications', namesTable(apps, 'application')),
      panel('Top categories', namesTable(cats, 'category')),
      panel('Top hosts (server names)', namesTable(hosts, 'host', '/hosts')),
      panel('Top talkers', barTable(talkers, [
        { title: 'address', value: (r) => r.address },
        { title: 'sent', value: (r) => bytes(r.sent), num: true },
        { title: 'received', value: (r) => bytes(r.received), num: true },
      ], (r) => r.bytes, (r) => `/hosts/${encodeURIComponent(r.address)}?${f.toString()}`)),
      panel('Top server ports', barTable(ports, [
        { title: 'port', value: (r) => `${r.port}/${String(r.l4).toLowerCase()}` },
        { title: 'flows', value: (r) => num(r.flows), num: true },
        { title: 'bytes', value: (r) => bytes(r.bytes), num: true },
      ], (r) => r.bytes, (r) => href('/flows', withFilter('port', String(r.port))))),
      h('section', { class: 'panel wide' }, h('h2', {}, 'Alerts'), alertTimeline(alerts, s.first_seen ?? 0, s.last_seen ?? 1, (a) => `/hosts/${encodeURIComponent(a.target)}`), alertsTable(alerts)),
      h('section', { class: 'panel wide' }, h('h2', {}, 'Runs and captures'), runsTable(runs)),
    ),
  );
}

/** alerts take only the range, an address and a run */
export function alertParams(f: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'address', 'run']) {
    const v = f.get(k);
    if (v) q.set(k, v);
  }
  return q;
}

function runParams(f: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'run']) {
    const v = f.get(k);
    if (v) q.set(k, v);
  }
  return q;
}

function runsTable(runs: RunRow[]): HTMLElement {
  if (runs.length === 0) return h('p', { class: 'muted' }, 'No run.');
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'run'), h('th', {}, 'status'), h('th', {}, 'captures'), h('th', {}, 'started'), h('th', { class: 'num' }, 'packets'), h('th', { class: 'num' }, 'flows stored'), h('th', {}, 'probe'))),
    h('tbody', {}, ...runs.map((r) => h('tr', {},
      h('td', {}, h('a', { href: href('/flows', withFilter('run', r.id)) }, r.id)),
      h('td', {}, r.status),
      h('td', {}, (r.inputs ?? []).map((i) => i.split('/').pop()).join(', ')),
      h('td', {}, time(r.started_at)),
      h('td', { class: 'num' }, r.packets === null ? '' : num(r.packets)),
      h('td', { class: 'num' }, r.flows_stored === null ? '' : num(r.flows_stored)),
      h('td', { class: 'muted' }, r.probe ?? ''))))));
}
