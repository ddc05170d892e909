import { get, type Summary } from './api.js';
import { clear, h } from './dom.js';
import { time } from './format.js';
import { params, update } from './state.js';

// The time range picker: spans counted back from the store's newest flow (a store of old captures
// has no 'now'), the whole store, or two times typed in. Dragging across a chart sets it too.

const SPANS: [string, number][] = [['1 h', 3600], ['6 h', 6 * 3600], ['24 h', 86400], ['7 d', 7 * 86400], ['30 d', 30 * 86400]];

let bounds: { first: number; last: number } | null = null;

/** the store's first and last flow (read once per page load) */
export async function storeBounds(): Promise<{ first: number; last: number } | null> {
  if (bounds) return bounds;
  const s = await get<Summary>('/api/summary');
  if (s.first_seen === null || s.last_seen === null) return null;
  bounds = { first: s.first_seen, last: s.last_seen };
  return bounds;
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
}
