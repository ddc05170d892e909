import uPlot from './vendor/uPlot.esm.js';
import { type AlertRow, type Timeline } from './api.js';
import { h, s } from './dom.js';
import { bytes, compact, num, time } from './format.js';

// Charts: traffic over time as stacked areas (uPlot, on a canvas), and small SVG drawings for the
// rest (shares, a flow's first packets, alert timelines).

export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#f97316', '#14b8a6', '#6366f1', '#eab308', '#a855f7', '#22c55e', '#0ea5e9', '#d946ef', '#64748b', '#f43f5e', '#0d9488', '#ca8a04'];
const OTHER = '#94a3b8';

export const colorOf = (name: string, i: number): string => (name === 'other' ? OTHER : PALETTE[i % PALETTE.length]!);

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

const metricFormat = (metric: string): ((v: number) => string) => (metric === 'bytes' ? bytes : compact);

/** every chart drawn, so that a theme switch or a resize can redraw them */
const live = new Set<{ plot: uPlot; el: HTMLElement }>();

/** drawings that need their element's width: run once the view is in the page */
const pending: { el: HTMLElement; draw: () => void }[] = [];

export function drawWhenShown(el: HTMLElement, draw: () => void): void {
  pending.push({ el, draw });
}

/** draws what waited for the page; drawings of a view that was replaced meanwhile are dropped */
export function drawPending(): void {
  for (const p of pending.splice(0)) if (p.el.isConnected) p.draw();
}

/** Stacked areas of a timeline; dragging across selects a range, given to onSelect (seconds). */
export function stackedArea(el: HTMLElement, t: Timeline, onSelect: (from: number, to: number) => void): void {
  if (t.times.length === 0 || t.series.length === 0) {
    el.append(h('p', { class: 'muted' }, 'No traffic in this range.'));
    return;
  }
  const fmt = metricFormat(t.metric);
  const raw = t.series.map((x) => x.values);
  // each series drawn as the sum of itself and those below it, topmost first, so fills stack
  const stacked: number[][] = [];
  let acc = new Array<number>(t.times.length).fill(0);
  for (let i = raw.length - 1; i >= 0; i--) {
    acc = acc.map((a, j) => a + (raw[i]![j] ?? 0));
    stacked[i] = acc;
  }
  const stepLabel = t.step ? ` per ${t.step >= 86400 ? `${t.step / 86400} d` : t.step >= 3600 ? `${t.step / 3600} h` : t.step >= 60 ? `${t.step / 60} min` : `${t.step} s`}` : '';
  const opts: uPlot.Options = {
    width: Math.max(280, el.clientWidth || 600),
    height: 260,
    series: [
      { value: (_u, v) => (v === null ? '' : time(v)) },
      ...t.series.map((x, i) => ({
        label: x.name,
        stroke: colorOf(x.name, i),
        fill: `${colorOf(x.name, i)}cc`,
        width: 1,
        points: { show: false },
        value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx === null ? '' : fmt(raw[i]![idx] ?? 0)),
      })),
    ],
    scales: { x: { time: true } },
    axes: [
      { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') } },
      { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') }, size: 64, values: (_u, vals) => vals.map((v) => fmt(v)), label: `${t.metric}${stepLabel}`, labelSize: 16 },
    ],
    cursor: { drag: { x: true, y: false, setScale: false } },
    legend: { live: true },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 4) return;
          const lo = u.posToVal(u.select.left, 'x');
          const hi = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          onSelect(Math.floor(lo), Math.ceil(hi));
        },
      ],
    },
  };
  const plot = new uPlot(opts, [t.times, ...stacked], el);
  live.add({ plot, el });
}

export function redrawCharts(): void {
  for (const c of [...live]) {
    if (!c.el.isConnected) {
      c.plot.destroy();
      live.delete(c);
      continue;
    }
    c.plot.setSize({ width: Math.max(280, c.el.clientWidth || 600), height: 260 });
  }
}

/** forgets charts whose elements left the page (a new view) */
export function dropCharts(): void {
  for (const c of [...live]) {
    c.plot.destroy();
    live.delete(c);
  }
}

/** A table of names with a bar for each row's share of the first column's maximum. */
export function barTable<T>(rows: T[], columns: { title: string; value: (r: T) => Node | string; num?: boolean }[], barOf: (r: T) => number, link?: (r: T) => string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'Nothing in this range.');
  const max = Math.max(1, ...rows.map(barOf));
  const head = h('tr', {}, ...columns.map((c) => h('th', { class: c.num ? 'num' : null }, c.title)), h('th', { class: 'barcell' }, ''));
  const body = rows.map((r) =>
    h('tr', {},
      ...columns.map((c, i) => {
        const v = c.value(r);
        const cell = i === 0 && link ? h('a', { href: link(r) }, v) : v;
        return h('td', { class: c.num ? 'num' : null }, cell);
      }),
      h('td', { class: 'barcell' }, barDiv(barOf(r) / max)),
    ));
  return h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, head), h('tbody', {}, ...body)));
}

function barDiv(share: number): HTMLElement {
  const d = h('div', { class: 'bar' });
  d.style.width = `${Math.max(0.5, share * 100).toFixed(1)}%`;
  return d;
}

/** One bar split by shares, with a legend. */
export function shareBar(parts: { name: string; value: number; color: string }[], fmt: (v: number) => string): HTMLElement {
  const total = parts.reduce((a, p) => a + p.value, 0) || 1;
  const bar = h('div', { class: 'share', role: 'img', 'aria-label': parts.map((p) => `${p.name} ${((p.value / total) * 100).toFixed(1)}%`).join(', ') });
  for (const p of parts) {
    const seg = h('span', { title: `${p.name}: ${fmt(p.value)}` });
    seg.style.width = `${((p.value / total) * 100).toFixed(2)}%`;
    seg.style.background = p.color;
    bar.append(seg);
  }
  const legend = h('div', { class: 'legend' }, ...parts.map((p) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = p.color;
    return h('span', {}, sw, `${p.name} ${((p.value / total) * 100).toFixed(1)}% (${fmt(p.value)})`);
  }));
  return h('div', {}, bar, legend);
}

/** A flow's first packets: payload sizes up (client to server) and down (server to client), gaps below. */
export function packetChart(sizes: number[], dirs: number[], gapsMs: number[]): Element {
  if (sizes.length === 0) return h('p', { class: 'muted' }, 'No packets recorded.');
  const w = 560;
  const half = 70;
  const bw = Math.floor((w - 40) / sizes.length);
  const max = Math.max(1, ...sizes);
  const scale = (v: number): number => (Math.log1p(v) / Math.log1p(max)) * (half - 14);
  const svg = s('svg', { viewBox: `0 0 ${w} ${half * 2 + 20}`, width: '100%', class: 'packets', role: 'img', 'aria-label': `first ${sizes.length} packets: payload sizes by direction` });
  svg.append(s('line', { x1: 30, x2: w, y1: half, y2: half, stroke: css('--line') }));
  svg.append(s('text', { x: 0, y: 14 }, 'to server'), s('text', { x: 0, y: half * 2 - 2 }, 'to client'));
  sizes.forEach((size, i) => {
    const x = 36 + i * bw;
    const hgt = Math.max(1, scale(size));
    const up = dirs[i] === 0;
    const rect = s('rect', { x, width: Math.max(2, bw - 3), y: up ? half - hgt : half, height: hgt, fill: up ? css('--bar') : '#f59e0b', rx: 1 });
    rect.append(s('title', {}, `packet ${i + 1}: ${size} bytes ${up ? 'to server' : 'to client'}${gapsMs[i] !== undefined ? `, ${gapsMs[i]} ms after the previous` : ''}`));
    svg.append(rect);
    svg.append(s('text', { x: x + 1, y: up ? half - hgt - 3 : half + hgt + 11 }, size > 0 ? compact(size) : '0'));
  });
  svg.append(s('text', { x: 36, y: half * 2 + 16 }, `payload bytes of the first ${sizes.length} packets (log scale)`));
  return svg;
}

/** Alerts as bars on one time axis, one row each. */
export function alertTimeline(alerts: AlertRow[], from: number, to: number, link: (a: AlertRow) => string): Element {
  if (alerts.length === 0) return h('p', { class: 'muted' }, 'No flood or scan alert in this range.');
  const w = 800;
  const row = 22;
  const left = 230;
  const lo = Math.min(from, ...alerts.map((a) => a.start));
  const hi = Math.max(to, ...alerts.map((a) => a.end), lo + 1);
  const x = (t: number): number => left + ((t - lo) / (hi - lo)) * (w - left - 10);
  const svg = s('svg', { viewBox: `0 0 ${w} ${alerts.length * row + 30}`, width: '100%', class: 'timeline', role: 'img', 'aria-label': 'alert timelines' });
  alerts.forEach((a, i) => {
    const y = i * row + 4;
    const label = s('a', { href: link(a) }, s('text', { x: 0, y: y + 13 }, `${a.kind} ${a.target}`));
    const x0 = x(a.start);
    const bar = s('rect', { x: x0, y, width: Math.max(3, x(a.end) - x0), height: row - 8, rx: 3, fill: a.kind.endsWith('scan') ? '#8b5cf6' : '#ef4444' });
    bar.append(s('title', {}, `${a.kind} on ${a.target}: ${time(a.start)} – ${time(a.end)}, peak ${num(a.peak_pps)} packets/s`));
    svg.append(label, bar);
  });
  const axisY = alerts.length * row + 18;
  svg.append(s('text', { x: left, y: axisY }, time(lo)), s('text', { x: w - 130, y: axisY }, time(hi)));
  return svg;
}
