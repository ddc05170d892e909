import { type Counted, type DeviceExposure, type ExposureReport } from './report.js';

// The terminal version of the exposure report: a few lines per device, then its fixes.

const BARS = ' ▁▂▃▄▅▆▇█';

export function hoursSparkline(hours: readonly number[]): string {
  const max = Math.max(...hours);
  return hours.map((h) => (max === 0 ? ' ' : BARS[Math.ceil((h / max) * (BARS.length - 1))]!)).join('');
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const names = (list: Counted[], n = 4): string => list.slice(0, n).map((c) => c.name).join(', ') + (list.length > n ? ', …' : '');

function device(d: DeviceExposure): string[] {
  const lines = [`${d.address}: ${d.flows.toLocaleString('en-US')} ${d.flows === 1 ? 'flow' : 'flows'}, ${formatBytes(d.bytes)}, ${d.first_seen.slice(0, 16).replace('T', ' ')} to ${d.last_seen.slice(0, 16).replace('T', ' ')} UTC`];
  const revealed: string[] = [];
  if (d.dns_names.length) revealed.push(`DNS ${names(d.dns_names)}`);
  if (d.tls_names.length) revealed.push(`TLS/QUIC SNI ${names(d.tls_names)}`);
  if (d.http_hosts.length) revealed.push(`HTTP ${names(d.http_hosts)}`);
  lines.push(`  names in clear: ${revealed.length ? revealed.join('; ') : 'none seen'}`);
  const enc = [d.dns.doh && `DoH ${d.dns.doh}`, d.dns.dot && `DoT ${d.dns.dot}`, d.dns.doq && `DoQ ${d.dns.doq}`].filter(Boolean);
  lines.push(`  DNS: ${d.dns.plain_queries} plain ${d.dns.plain_queries === 1 ? 'query' : 'queries'}; encrypted: ${enc.length ? enc.join(', ') : 'none'}. TLS/QUIC: ${d.tls.with_sni} with SNI, ${d.tls.with_ech} with ECH`);
  if (d.cleartext.length) lines.push(`  in clear: ${d.cleartext.map((c) => `${c.protocol} ${c.flows}${c.carries !== 'clear' ? ` (${c.carries})` : ''}`).join(', ')}`);
  const f = d.fingerprints;
  const prints = [
    f.user_agents.length && `user agents ${f.user_agents.slice(0, 2).join(' | ')}`,
    f.ja4.length && `${f.ja4.length} JA4`,
    f.hassh.length && `${f.hassh.length} HASSH`,
    f.ssh_banners.length && `SSH ${f.ssh_banners.slice(0, 2).join(', ')}`,
    f.dhcp_vendor_classes.length && `DHCP ${f.dhcp_vendor_classes.slice(0, 2).join(', ')}`,
    f.announced_names.length && `announces ${f.announced_names.slice(0, 3).join(', ')}`,
  ].filter(Boolean);
  if (prints.length) lines.push(`  fingerprints: ${prints.join('; ')}`);
  lines.push(`  destinations: ${d.destinations.total} (${d.destinations.known_providers} large providers)${d.destinations.rare.length ? `; rare: ${names(d.destinations.rare, 3)}` : ''}`);
  lines.push(`  active by hour (UTC 0–23): |${hoursSparkline(d.hours_utc)}|`);
  for (const fix of d.fixes) lines.push(`  ${fix.severity === 'high' ? '!!' : fix.severity === 'medium' ? '! ' : '- '} ${fix.finding}\n     → ${fix.fix}`);
  return lines;
}

export function renderText(r: ExposureReport): string {
  const head = `What a passive observer learns: ${r.devices.length} local ${r.devices.length === 1 ? 'device' : 'devices'} in ${r.flows.toLocaleString('en-US')} flows (local: ${r.local.join(', ')})`;
  const body = r.devices.map((d) => device(d).join('\n'));
  const tail = r.flows_not_local > 0 ? [`${r.flows_not_local.toLocaleString('en-US')} ${r.flows_not_local === 1 ? 'flow' : 'flows'} with no end in the local prefixes ${r.flows_not_local === 1 ? 'was' : 'were'} left out (see --local)`] : [];
  return [head, '', ...body.flatMap((b) => [b, '']), ...tail].join('\n').trimEnd() + '\n';
}
