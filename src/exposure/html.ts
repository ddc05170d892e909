import { type Counted, type DeviceExposure, type ExposureReport, type Fix } from './report.js';
import { formatBytes } from './text.js';

// The exposure report as one HTML file: no script, no font or image loaded from anywhere, charts
// drawn as inline SVG, light and dark themes from the reader's system setting. Every value that
// came from traffic is escaped: names on the wire are chosen by whoever sent them.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root { --bg: #fafaf7; --fg: #1d2430; --muted: #5d6675; --card: #ffffff; --line: #e3e5e8; --accent: #2f6fd6; --high: #c62828; --medium: #d9822b; --low: #6b7a8f; --ok: #2e7d32; }
@media (prefers-color-scheme: dark) { :root { --bg: #15181d; --fg: #e6e9ee; --muted: #9aa3b2; --card: #1e2229; --line: #2e343d; --accent: #6fa3ff; --high: #ff6b6b; --medium: #f0a35e; --low: #9aa8bd; --ok: #6fcf73; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 980px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 0 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.lede { color: var(--muted); margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 24px; }
.card, section.device { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card b { display: block; font-size: 24px; } .card span { color: var(--muted); font-size: 13px; }
section.device { margin-bottom: 24px; padding: 18px 20px; }
.meta { color: var(--muted); font-size: 13px; margin-bottom: 10px; }
ul.fixes { list-style: none; padding: 0; margin: 0; }
ul.fixes li { border-left: 4px solid var(--low); padding: 6px 10px; margin: 8px 0; background: color-mix(in srgb, var(--card) 90%, var(--fg) 10%); border-radius: 0 6px 6px 0; }
ul.fixes li.high { border-color: var(--high); } ul.fixes li.medium { border-color: var(--medium); }
ul.fixes .fix { display: block; color: var(--muted); margin-top: 2px; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; padding: 1px 6px; border-radius: 4px; color: #fff; background: var(--low); margin-right: 6px; }
.tag.high { background: var(--high); } .tag.medium { background: var(--medium); } .tag.ok { background: var(--ok); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 8px 24px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; } td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; } th { color: var(--muted); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 12px; overflow-wrap: anywhere; }
svg text { fill: var(--muted); font-size: 10px; } svg .bar { fill: var(--accent); } svg .clear { fill: var(--high); } svg .enc { fill: var(--ok); }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
`;

function hoursChart(hours: readonly number[]): string {
  const w = 480, h = 90, pad = 14, bw = (w - 2) / 24;
  const max = Math.max(1, ...hours);
  const bars = hours.map((v, i) => {
    const bh = Math.round(((h - pad - 4) * v) / max);
    return `<rect class="bar" x="${(1 + i * bw).toFixed(1)}" y="${h - pad - bh}" width="${(bw - 2).toFixed(1)}" height="${bh}"><title>${i}:00–${i + 1}:00 UTC: ${v} flows</title></rect>`;
  });
  const labels = [0, 6, 12, 18, 23].map((i) => `<text x="${(1 + i * bw + bw / 2).toFixed(1)}" y="${h - 2}" text-anchor="middle">${i}h</text>`);
  return `<svg role="img" aria-label="flows by hour of day, UTC" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">${bars.join('')}${labels.join('')}</svg>`;
}

function namesChart(list: Counted[]): string {
  if (list.length === 0) return '<p class="meta">none seen</p>';
  const max = Math.max(...list.map((c) => c.flows));
  const rows = list.map((c) => `<tr><td><code>${escapeHtml(c.name)}</code></td><td class="n">${c.flows}</td><td style="width:28%"><svg viewBox="0 0 100 8" width="100%" height="8" preserveAspectRatio="none"><rect class="bar" width="${Math.max(2, (100 * c.flows) / max).toFixed(1)}" height="8" rx="2"/></svg></td></tr>`);
  return `<table><tr><th>name</th><th class="n">flows</th><th></th></tr>${rows.join('')}</table>`;
}

/** share of the device's name-revealing connections that kept the name hidden (encrypted DNS, ECH) */
function hiddenShare(d: DeviceExposure): string {
  const encDns = d.dns.doh + d.dns.dot + d.dns.doq;
  const parts: [string, number, number][] = [
    ['DNS lookups', encDns, d.dns.plain_queries],
    ['TLS/QUIC names', d.tls.with_ech, d.tls.with_sni - d.tls.with_ech],
  ];
  const rows = parts.filter(([, hidden, shown]) => hidden + shown > 0).map(([label, hidden, shown]) => {
    const total = hidden + shown;
    const hw = (100 * hidden) / total;
    return `<tr><td>${label}</td><td style="width:55%"><svg viewBox="0 0 100 10" width="100%" height="12" preserveAspectRatio="none"><rect class="enc" width="${hw.toFixed(1)}" height="10"/><rect class="clear" x="${hw.toFixed(1)}" width="${(100 - hw).toFixed(1)}" height="10"/></svg></td><td class="n">${Math.round(hw)}% hidden</td></tr>`;
  });
  return rows.length ? `<table>${rows.join('')}</table>` : '<p class="meta">no DNS or TLS seen</p>';
}

function fixItem(f: Fix): string {
  return `<li class="${f.severity}"><span class="tag ${f.severity}">${f.severity}</span>${escapeHtml(f.finding)}<span class="fix">→ ${escapeHtml(f.fix)}</span></li>`;
}

function list(title: string, items: readonly string[]): string {
  return items.length ? `<tr><th>${title}</th><td>${items.map((i) => `<code>${escapeHtml(i)}</code>`).join('<br>')}</td></tr>` : '';
}

function device(d: DeviceExposure): string {
  const f = d.fingerprints;
  const prints = [list('user agents', f.user_agents), list('TLS (JA4)', f.ja4), list('SSH (HASSH)', f.hassh), list('SSH software', f.ssh_banners), list('DHCP vendor', f.dhcp_vendor_classes), list('names announced', f.announced_names)].join('');
  const clear = d.cleartext.length
    ? `<table><tr><th>protocol</th><th class="n">flows</th><th class="n">bytes</th><th>carries</th></tr>${d.cleartext.map((c) => `<tr><td>${escapeHtml(c.protocol)}</td><td class="n">${c.flows}</td><td class="n">${formatBytes(c.bytes)}</td><td>${c.carries === 'credentials' ? '<span class="tag high">passwords</span>' : c.carries === 'mail' ? '<span class="tag high">mail</span>' : 'content'}</td></tr>`).join('')}</table>`
    : '<p><span class="tag ok">none</span>nothing seen in clear</p>';
  return `<section class="device" id="device-${escapeHtml(d.address)}">
<h2>${escapeHtml(d.address)}</h2>
<div class="meta">${d.flows.toLocaleString('en-US')} ${d.flows === 1 ? 'flow' : 'flows'} · ${formatBytes(d.bytes)} · ${escapeHtml(d.first_seen.slice(0, 16).replace('T', ' '))} to ${escapeHtml(d.last_seen.slice(0, 16).replace('T', ' '))} UTC</div>
<h3>What to do</h3>
${d.fixes.length ? `<ul class="fixes">${d.fixes.map(fixItem).join('')}</ul>` : '<p><span class="tag ok">good</span>nothing to fix was seen</p>'}
<h3>Names kept hidden</h3>${hiddenShare(d)}
<div class="grid">
<div><h3>Sites named in DNS</h3>${namesChart(d.dns_names)}</div>
<div><h3>Sites named in TLS/QUIC (SNI)</h3>${namesChart(d.tls_names)}</div>
${d.http_hosts.length ? `<div><h3>Plain HTTP hosts</h3>${namesChart(d.http_hosts)}${d.http_paths.length ? `<p class="meta">pages requested: ${d.http_paths.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}</p>` : ''}</div>` : ''}
<div><h3>Sent in clear</h3>${clear}</div>
</div>
<h3>Software and device fingerprints</h3>${prints ? `<table>${prints}</table>` : '<p class="meta">none seen</p>'}
<h3>How much it stands out</h3>
<p>${d.destinations.total} destinations, ${d.destinations.known_providers} of them large, shared providers${d.destinations.rare.length ? `; rare ones, which point to this device: ${d.destinations.rare.map((r) => `<code>${escapeHtml(r.name)}</code>`).join(', ')}` : '; no rare ones'}.</p>
<h3>Active by hour of day (UTC)</h3>${hoursChart(d.hours_utc)}
</section>`;
}

export function renderHtml(r: ExposureReport): string {
  const fixes = r.devices.flatMap((d) => d.fixes);
  const count = (s: Fix['severity']): number => fixes.filter((f) => f.severity === s).length;
  const cards = [
    [r.devices.length, 'local devices'], [r.flows.toLocaleString('en-US'), 'flows'], [count('high'), 'serious findings'], [count('medium'), 'findings to fix'], [count('low'), 'minor findings'],
  ].map(([v, l]) => `<div class="card"><b>${v}</b><span>${l}</span></div>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>What your traffic reveals — sonde exposure report</title><style>${STYLE}</style></head>
<body><main>
<h1>What your traffic reveals</h1>
<p class="lede">What anyone on the path (the Wi-Fi, the internet provider, a network in between) can learn from ${r.captures.length === 1 ? 'this capture' : `these ${r.captures.length} captures`}, device by device, without breaking any encryption; and what to change. Local devices: ${r.local.map(escapeHtml).join(', ')}.</p>
<div class="cards">${cards}</div>
${r.devices.map(device).join('\n')}
<footer>Made by sonde on ${escapeHtml(r.generated.slice(0, 10))} from ${r.captures.map(escapeHtml).join(', ')}. ${r.flows_not_local > 0 ? `${r.flows_not_local} flows with no end in the local prefixes were left out. ` : ''}No payload is kept in this report.</footer>
</main></body></html>
`;
}
