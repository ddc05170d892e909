import { type AlertRow, get, type RiskRow, type Summary } from '../api.js';
import { alertTimeline } from '../charts.js';
import { h } from '../dom.js';
import { bytes, num } from '../format.js';
import { filters, href } from '../state.js';
import { alertParams, alertsTable, card } from './overview.js';

// Risks and alerts: flows by risk and severity, and the flood and scan alerts on a timeline.

export function riskTable(rows: RiskRow[], base: URLSearchParams): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No flow with a risk in this range.');
  const max = Math.max(1, ...rows.map((r) => r.flows));
  return h('div', { class: 'scroll' }, h('table', { id: 'risk-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'severity'), h('th', {}, 'risk'), h('th', { class: 'num' }, 'flows'), h('th', { class: 'num' }, 'bytes'), h('th', { class: 'barcell' }, ''), h('th', {}, 'what it means'))),
    h('tbody', {}, ...rows.map((r) => {
      const q = new URLSearchParams(base);
      q.set('risk', r.risk);
      const bar = h('div', { class: 'bar' });
      bar.style.width = `${Math.max(0.5, (r.flows / max) * 100).toFixed(1)}%`;
      return h('tr', {},
        h('td', { class: `sev-${r.severity ?? 'low'}` }, r.severity ?? ''),
        h('td', {}, h('a', { href: href('/flows', q) }, r.risk)),
        h('td', { class: 'num' }, num(r.flows)), h('td', { class: 'num' }, bytes(r.bytes)),
        h('td', { class: 'barcell' }, bar),
        h('td', { class: 'muted' }, r.description ?? ''));
    }))));
}

export async function risks(view: HTMLElement): Promise<void> {
  const f = filters();
  const top = new URLSearchParams(f);
  top.set('limit', '100');
  const [rows, alerts, s] = await Promise.all([get<RiskRow[]>('/api/top/risks', top), get<AlertRow[]>('/api/alerts', alertParams(f)), get<Summary>('/api/summary', f)]);
  const bySeverity = new Map<string, number>();
  for (const r of rows) bySeverity.set(r.severity ?? 'low', (bySeverity.get(r.severity ?? 'low') ?? 0) + r.flows);
  const sev = (k: string): HTMLElement => {
    const q = new URLSearchParams(f);
    q.set('severity', k);
    return h('a', { href: href('/flows', q) }, card(`${k}-severity risk flags`, num(bySeverity.get(k) ?? 0)));
  };
  view.append(
    h('h1', {}, 'Risks and alerts'),
    h('div', { class: 'cards' }, card('flows with risks', num(s.risky_flows)), sev('high'), sev('medium'), sev('low'), card('alerts', num(alerts.length))),
    h('div', { class: 'grid' },
      h('section', { class: 'panel wide' }, h('h2', {}, 'Flows by risk'), riskTable(rows, f)),
      h('section', { class: 'panel wide' }, h('h2', {}, 'Flood and scan alerts'), alertTimeline(alerts, s.first_seen ?? 0, s.last_seen ?? 1, (a) => `/hosts/${encodeURIComponent(a.target)}`), alertsTable(alerts)),
    ),
  );
}
