// The dashboard's stylesheet: light and dark themes from the same variables (the system's choice
// unless the toggle set one), one column on a phone.

export const STYLE = `
:root {
  --bg: #f7f8fa; --panel: #ffffff; --text: #1c2330; --muted: #5f6b7a; --line: #dde2e8;
  --accent: #2563eb; --accent-soft: #dbe7ff; --bad: #c2410c; --warn: #b45309; --ok: #15803d;
  --high: #b91c1c; --medium: #c2410c; --low: #a16207;
  --bar: #3b82f6; --bar2: #94a3b8;
  color-scheme: light;
}
:root[data-theme="dark"] {
  --bg: #0f141b; --panel: #171e27; --text: #e3e8ef; --muted: #98a4b3; --line: #2a3441;
  --accent: #7aa7ff; --accent-soft: #1f2d47; --bad: #fb923c; --warn: #fbbf24; --ok: #4ade80;
  --high: #f87171; --medium: #fb923c; --low: #facc15;
  --bar: #60a5fa; --bar2: #64748b;
  color-scheme: dark;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    --bg: #0f141b; --panel: #171e27; --text: #e3e8ef; --muted: #98a4b3; --line: #2a3441;
    --accent: #7aa7ff; --accent-soft: #1f2d47; --bad: #fb923c; --warn: #fbbf24; --ok: #4ade80;
    --high: #f87171; --medium: #fb923c; --low: #facc15;
    --bar: #60a5fa; --bar2: #64748b;
    color-scheme: dark;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.top { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.brand { font-weight: 700; font-size: 18px; color: var(--text); letter-spacing: .02em; }
nav { display: flex; gap: 4px; flex-wrap: wrap; }
nav a { padding: 4px 10px; border-radius: 6px; color: var(--muted); }
nav a.active { background: var(--accent-soft); color: var(--accent); }
.hostjump { margin-left: auto; }
input, select, button { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; }
button { cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
.theme { width: 34px; }
.range { display: flex; gap: 6px; align-items: center; padding: 8px 16px; flex-wrap: wrap; border-bottom: 1px solid var(--line); }
.range button.on { background: var(--accent-soft); color: var(--accent); border-color: var(--accent); }
.range .shown { color: var(--muted); margin-left: 8px; }
main { padding: 16px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 0 0 8px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
.wide { grid-column: 1 / -1; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; min-width: 0; }
.cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.card .v { font-size: 22px; font-weight: 650; }
.card .k { color: var(--muted); font-size: 12px; }
.muted { color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
th.sortable { cursor: pointer; }
th.sorted::after { content: " ▾"; }
th.sorted.asc::after { content: " ▴"; }
.scroll { overflow-x: auto; }
.barcell { width: 30%; min-width: 40px; }
.panel table td:first-child { max-width: 16em; overflow: hidden; text-overflow: ellipsis; }
.bar { height: 8px; background: var(--bar); border-radius: 4px; min-width: 1px; }
.share { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: var(--line); margin: 6px 0 8px; }
.share span { display: block; height: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.sev-high { color: var(--high); font-weight: 600; }
.sev-medium { color: var(--medium); font-weight: 600; }
.sev-low { color: var(--low); }
.chart { width: 100%; min-height: 240px; }
.filters { display: grid; gap: 8px; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); margin-bottom: 12px; align-items: end; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.pager { display: flex; gap: 8px; align-items: center; margin-top: 8px; }
.fields td:first-child { color: var(--muted); width: 30%; }
.fields td { white-space: normal; word-break: break-word; }
.error { color: var(--bad); }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; background: var(--accent-soft); color: var(--accent); font-size: 12px; margin-right: 4px; }
svg text { fill: var(--muted); font-size: 11px; }
svg.timeline { max-width: 900px; display: block; }
svg.packets { max-width: 640px; display: block; }
.foot { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
.u-legend { font-size: 12px; }
@media (max-width: 640px) {
  main { padding: 8px; }
  .top { gap: 8px; }
  .hostjump { margin-left: 0; width: 100%; }
  .hostjump input { width: 100%; }
  th, td { padding: 3px 4px; }
}
`;
