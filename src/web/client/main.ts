import { drawPending, dropCharts, redrawCharts } from './charts.js';
import { clear, h } from './dom.js';
import { drawRange, storeBounds } from './range.js';
import { interceptLinks, navigate, setRenderer } from './state.js';
import { flow } from './pages/flow.js';
import { flows } from './pages/flows.js';
import { host } from './pages/host.js';
import { overview } from './pages/overview.js';
import { risks } from './pages/risks.js';

// The dashboard's front end: one page whose path names the view and whose query holds its
// filters; every view is drawn from the JSON API.

const THEME_KEY = 'sonde-theme';

function applyTheme(): void {
  const t = localStorage.getItem(THEME_KEY);
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}

function toggleTheme(): void {
  const dark = document.documentElement.dataset.theme === 'dark' || (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
  localStorage.setItem(THEME_KEY, dark ? 'light' : 'dark');
  applyTheme();
  // the charts take their colours from the theme when drawn
  void render();
}

let drawing = 0;
/** while a run writes the store, the summary views are redrawn this often (the flow table is left alone) */
const REFRESH_MS = 15_000;
let refresh = 0;

async function render(): Promise<void> {
  const mine = ++drawing;
  const view = document.getElementById('view')!;
  const range = document.getElementById('range')!;
  const path = location.pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] === 'flows' ? 'flows' : parts[0] === 'risks' ? 'risks' : parts[0] === 'hosts' ? 'hosts' : 'overview';
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.classList.toggle('active', a.dataset.nav === section);
  const next = h('div', { id: 'view-body', 'data-view': section });
  document.body.dataset.state = 'loading';
  try {
    await drawRange(range);
    if (parts[0] === 'flows' && parts[1]) await flow(next, parts[1]);
    else if (parts[0] === 'flows') await flows(next);
    else if (parts[0] === 'hosts' && parts[1]) await host(next, parts[1]);
    else if (parts[0] === 'risks') await risks(next);
    else await overview(next);
  } catch (e) {
    next.append(h('p', { class: 'error' }, (e as Error).message));
  }
  if (mine !== drawing) return;
  dropCharts();
  clear(view);
  view.append(next);
  document.title = `sonde · ${section}`;
  drawPending();
  document.body.dataset.state = 'ready';
  clearTimeout(refresh);
  if (section !== 'flows' && (await storeBounds().catch(() => null))?.writing) {
    const shown = location.href;
    const tick = (): void => {
      if (location.href !== shown || mine !== drawing) return;
      // a hidden tab asks nothing of the store; it catches up once shown again
      if (document.visibilityState === 'visible') void render();
      else refresh = window.setTimeout(tick, REFRESH_MS);
    };
    refresh = window.setTimeout(tick, REFRESH_MS);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  applyTheme();
  setRenderer(() => void render());
  interceptLinks();
  document.getElementById('theme')!.addEventListener('click', toggleTheme);
  document.getElementById('hostjump')!.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('key') as HTMLInputElement;
    const key = input.value.trim();
    if (key) navigate(`/hosts/${encodeURIComponent(key)}`);
  });
  let resize = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = window.setTimeout(redrawCharts, 150);
  });
  void render();
});
