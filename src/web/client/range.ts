import { get, type RunRow, type Summary } from './api.js';
import { clear, h } from './dom.js';
import { time } from './format.js';
import { params, update } from './state.js';

// The time range picker: spans counted back from the store's newest flow (a store of old captures
// has no 'now'), the whole store, or two times typed in. Dragging across a chart sets it too.

const SPANS: [string, number][] = [['1 h', 3600], ['6 h', 6 * 3600], ['24 h', 86400], ['7 d', 7 * 86400], ['30 d', 30 * 86400]];

export interface StoreBounds {
  first: number;
  last: number;
  /** a run is writing the store now (sonde live --serve, analyze --serve) */
  writing: boolean;
}

/** how long the store's bounds are reused: a store being written grows */
const BOUNDS_TTL_MS = 15_000;
let bounds: { at: number; value: StoreBounds | null } | null = null;

/** the store's first and last flow, and whether a run is writing it */
export async function storeBounds(): Promise<StoreBounds | null> {
  if (bounds && performance.now() - bounds.at < BOUNDS_TTL_MS) return bounds.value;
  const [s, runs] = await Promise.all([get<Summary>('/api/summary'), get<RunRow[]>('/api/runs', new URLSearchParams({ limit: '20' }))]);
  const value = s.first_seen === null || s.last_seen === null ? null : { first: s.first_seen, last: s.last_seen, writing: runs.some((r) => r.status === 'running') };
  bounds = { at: performance.now(), value };
  return value;
}

const isoInput = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 16);

export async function drawRange(el: HTMLElement): Promise<void> {
  clear(el);
  const b = await storeBounds().catch(() => null);
  const q = params();
  const from = q.get('from');
  const to = q.get('to');
  const all = h('button', { type: 'button', class: !from && !to ? 'on' : null, 'data-span': 'all', onclick: () => update({ from: null, to: null }) }, 'All');
  el.append(h('span', { class: 'muted' }, 'Range'), all);
  if (b) {
    for (const [label, span] of SPANS) {
      const lo = Math.floor(b.last - span);
      const on = from === String(lo) && to === String(Math.ceil(b.last) + 1);
      el.append(h('button', { type: 'button', class: on ? 'on' : null, 'data-span': label, onclick: () => update({ from: String(lo), to: String(Math.ceil(b.last) + 1) }) }, `last ${label}`));
    }
  }
  const fromInput = h('input', { type: 'datetime-local', name: 'from', 'aria-label': 'from (UTC)', value: from ? isoInput(Number(from) || Date.parse(from) / 1000) : '' });
  const toInput = h('input', { type: 'datetime-local', name: 'to', 'aria-label': 'to (UTC)', value: to ? isoInput(Number(to) || Date.parse(to) / 1000) : '' });
  const apply = h('button', { type: 'button', onclick: () => {
    const f = fromInput.value ? String(Date.parse(`${fromInput.value}:00Z`) / 1000) : null;
    const t = toInput.value ? String(Date.parse(`${toInput.value}:00Z`) / 1000) : null;
    update({ from: f, to: t });
  } }, 'Apply');
  el.append(fromInput, h('span', { class: 'muted' }, '–'), toInput, apply);
  const shownFrom = from ? Number(from) : b?.first;
  const shownTo = to ? Number(to) : b?.last;
  if (shownFrom !== undefined && shownTo !== undefined) el.append(h('span', { class: 'shown' }, `${time(shownFrom)} – ${time(shownTo)} UTC · drag across a chart to zoom`));
  if (b?.writing) el.append(h('span', { class: 'tag', id: 'writing', title: 'a run is writing this store: the view is redrawn every 15 s' }, 'live'));
}
