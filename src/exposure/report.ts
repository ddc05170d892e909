import { parseIpv4, parseIpv6 } from '../flow/address.js';
import { publicSuffixes } from '../privacy/public-suffix.js';
import { LocalNetworks } from './local-networks.js';

// What a passive observer on the path learns about each local device, from sonde's flow records:
// the names it reveals (DNS, TLS and QUIC SNI, HTTP), the protocols it speaks in clear, the
// software it announces, how much its destinations make it stand out, when it is active, and a
// short list of fixes, each tied to what was found. Pure: records in, a JSON-ready report out.

export type FlowRecordLike = Record<string, unknown>;

export interface Counted {
  name: string;
  flows: number;
}

export interface CleartextUse {
  protocol: string;
  flows: number;
  bytes: number;
  /** why it matters: 'credentials' (a login seen in clear), 'mail', or 'clear' */
  carries: 'credentials' | 'mail' | 'clear';
}

export interface Fix {
  /** the finding, one line */
  finding: string;
  /** what to do about it */
  fix: string;
  severity: 'high' | 'medium' | 'low';
}

export interface DeviceExposure {
  address: string;
  flows: number;
  bytes: number;
  first_seen: string;
  last_seen: string;
  /** names revealed in clear, most flows first */
  dns_names: Counted[];
  tls_names: Counted[];
  http_hosts: Counted[];
  /** a few HTTP paths seen in clear (query strings cut) */
  http_paths: string[];
  dns: { plain_queries: number; doh: number; dot: number; doq: number; resolvers: string[] };
  tls: { with_sni: number; with_ech: number; without_sni: number };
  cleartext: CleartextUse[];
  fingerprints: { user_agents: string[]; ja4: string[]; hassh: string[]; ssh_banners: string[]; dhcp_vendor_classes: string[]; announced_names: string[] };
  destinations: { total: number; known_providers: number; rare: Counted[] };
  /** flows started in each hour of the day, UTC */
  hours_utc: number[];
  fixes: Fix[];
}

export interface ExposureReport {
  generated: string;
  captures: string[];
  local: string[];
  flows: number;
  /** flows with no local side (neither end in the local prefixes) */
  flows_not_local: number;
  devices: DeviceExposure[];
}

/** protocols that carry their content in clear, and what makes them worse */
const CLEARTEXT: Record<string, CleartextUse['carries']> = {
  HTTP: 'clear', FTP_CONTROL: 'credentials', FTP_DATA: 'clear', Telnet: 'credentials', POP3: 'mail', IMAP: 'mail', SMTP: 'mail',
  NNTP: 'clear', IRC: 'clear', LDAP: 'clear', SNMP: 'clear', TFTP: 'clear', Syslog: 'clear', MQTT: 'clear', SIP: 'clear', RTSP: 'clear',
  VNC: 'credentials', Rlogin: 'credentials', XMPP: 'clear', MySQL: 'clear', PostgreSQL: 'clear', Redis: 'clear', Memcached: 'clear',
  HTTP_Proxy: 'clear', SOCKS: 'clear', NFS: 'clear', SMBv1: 'clear',
};
/** the record's object per protocol where a STARTTLS-style upgrade is recorded */
const UPGRADE: Record<string, [string, string]> = {
  SMTP: ['smtp', 'starttls'], IMAP: ['imap', 'starttls'], POP3: ['pop3', 'starttls'], FTP_CONTROL: ['ftp', 'auth_tls'], NNTP: ['nntp', 'starttls'], LDAP: ['ldap', 'starttls'], XMPP: ['xmpp', 'starttls'],
};
const NAME_PROTOCOLS = new Set(['MDNS', 'LLMNR', 'NetBIOS', 'SMBv1']);
const GENERIC_APPLICATIONS = new Set(['DoH_DoT', 'DNS', 'TLS', 'QUIC', 'HTTP']);
const LIST_LIMIT = 10;

const isAddressText = (s: string): boolean => parseIpv4(s) !== null || parseIpv6(s) !== null;

/** multicast and broadcast: no one's destination in particular */
function isGroupAddress(a: string): boolean {
  if (a.includes(':')) return a.toLowerCase().startsWith('ff');
  const first = Number(a.slice(0, a.indexOf('.')));
  return first >= 224 || a.endsWith('.255');
}

interface DeviceState {
  address: string;
  flows: number;
  bytes: number;
  first: number;
  last: number;
  dnsNames: Map<string, number>;
  tlsNames: Map<string, number>;
  httpHosts: Map<string, number>;
  httpPaths: Set<string>;
  plainDns: number;
  doh: number;
  dot: number;
  doq: number;
  resolvers: Set<string>;
  withSni: number;
  withEch: number;
  withoutSni: number;
  cleartext: Map<string, CleartextUse>;
  userAgents: Set<string>;
  ja4: Set<string>;
  hassh: Set<string>;
  sshBanners: Set<string>;
  dhcp: Set<string>;
  announced: Set<string>;
  /** destination (registrable domain, or address) → flows, and whether a known provider serves it */
  destinations: Map<string, { flows: number; known: boolean }>;
  hours: number[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

export class ExposureBuilder {
  private readonly devices = new Map<string, DeviceState>();
  /** local devices per destination: a destination only one device visits is rare */
  private readonly visitors = new Map<string, Set<string>>();
  private readonly captures = new Set<string>();
  private flows = 0;
  private notLocal = 0;

  constructor(private readonly local: LocalNetworks, private readonly localText: readonly string[]) {}

  add(r: FlowRecordLike): void {
    this.flows++;
    const capture = str(r['capture']);
    if (capture) this.captures.add(capture);
    const src = String(r['src']);
    const dst = String(r['dst']);
    // the device is the local end that started the flow, else the local end that answered
    const srcLocal = this.local.has(src);
    const device = srcLocal ? src : this.local.has(dst) ? dst : null;
    if (device === null) {
      this.notLocal++;
      return;
    }
    const remote = device === src ? dst : src;
    const d = this.device(device);
    const bytes = num(r['bytes_c2s']) + num(r['bytes_s2c']);
    const first = num(r['first_seen']);
    d.flows++;
    d.bytes += bytes;
    d.first = Math.min(d.first, first);
    d.last = Math.max(d.last, num(r['last_seen']));
    d.hours[new Date(first * 1000).getUTCHours()]!++;

    const protocol = str(r['protocol']);
    const application = str(r['application']);
    const hostname = str(r['hostname']);
    const dns = obj(r['dns']);
    const tls = obj(r['tls']);
    const quic = obj(r['quic']);
    const http = obj(r['http']);
    const dport = num(r['dport']);

    if (application === 'DoH_DoT') {
      if (quic || r['l4'] === 'UDP') d.doq++;
      else if (dport === 853) d.dot++;
      else d.doh++;
      d.resolvers.add(hostname ?? remote);
    } else if (protocol === 'DNS' && dns) {
      d.plainDns++;
      d.resolvers.add(remote);
      const q = str(dns['query']) ?? hostname;
      if (q) bump(d.dnsNames, q.toLowerCase());
    }
    if (protocol !== null && NAME_PROTOCOLS.has(protocol)) {
      const name = str(obj(r['netbios'])?.['name']) ?? str(dns?.['query']) ?? hostname;
      // a device announcing itself names .local or NetBIOS names; queries for others' are not its own
      if (name && /[a-z0-9]/i.test(name) && (protocol !== 'MDNS' || srcLocal)) d.announced.add(name);
    }
    for (const t of [tls, quic]) {
      if (!t || application === 'DoH_DoT') continue;
      const sni = str(t['sni']);
      if (sni) {
        d.withSni++;
        bump(d.tlsNames, sni.toLowerCase());
      } else d.withoutSni++;
      if (t['ech'] === true) d.withEch++;
    }
    if (http) {
      const host = str(http['host']);
      if (host) bump(d.httpHosts, host.toLowerCase());
      const path = str(http['path']);
      if (path && d.httpPaths.size < LIST_LIMIT) d.httpPaths.add(path.split('?')[0]!.slice(0, 120));
      const ua = str(http['user_agent']);
      if (ua) d.userAgents.add(ua);
    }
    const quicUa = str(quic?.['user_agent']);
    if (quicUa) d.userAgents.add(quicUa);
    if (protocol !== null && protocol in CLEARTEXT) {
      const upgrade = UPGRADE[protocol];
      const upgraded = upgrade !== undefined && obj(r[upgrade[0]])?.[upgrade[1]] === true;
      if (!upgraded) {
        const risks = Array.isArray(r['risks']) ? (r['risks'] as unknown[]) : [];
        const use = d.cleartext.get(protocol) ?? { protocol, flows: 0, bytes: 0, carries: CLEARTEXT[protocol]! };
        use.flows++;
        use.bytes += bytes;
        if (risks.includes('clear_text_credentials')) use.carries = 'credentials';
        d.cleartext.set(protocol, use);
      }
    }
    const ja4 = str(r['ja4']);
    if (ja4) d.ja4.add(ja4);
    const hassh = str(r['hassh']);
    if (hassh) d.hassh.add(hassh);
    const banner = str(obj(r['ssh'])?.[device === src ? 'client_banner' : 'server_banner']);
    if (banner) d.sshBanners.add(banner);
    const vendor = str(obj(r['dhcp'])?.['vendor_class']);
    if (vendor) d.dhcp.add(vendor);

    // destinations: what an observer counts as "where this device goes"
    if (device === src && protocol !== 'DNS' && application !== 'DoH_DoT' && !(protocol !== null && NAME_PROTOCOLS.has(protocol)) && !this.local.has(remote) && !isGroupAddress(remote)) {
      const name = hostname && !isAddressText(hostname) ? publicSuffixes().registrableDomain(hostname.toLowerCase()) : remote;
      // behind Encrypted Client Hello the name seen is the provider's shared front, not the site
      const ech = tls?.['ech'] === true || quic?.['ech'] === true;
      const known = ech || (application !== null && !GENERIC_APPLICATIONS.has(application)) || str(r['address_application']) !== null;
      const dest = d.destinations.get(name) ?? { flows: 0, known: false };
      dest.flows++;
      dest.known ||= known;
      d.destinations.set(name, dest);
      let who = this.visitors.get(name);
      if (!who) this.visitors.set(name, (who = new Set()));
      who.add(device);
    }
  }

  private device(address: string): DeviceState {
    let d = this.devices.get(address);
    if (!d) {
      d = {
        address, flows: 0, bytes: 0, first: Infinity, last: 0, dnsNames: new Map(), tlsNames: new Map(), httpHosts: new Map(), httpPaths: new Set(),
        plainDns: 0, doh: 0, dot: 0, doq: 0, resolvers: new Set(), withSni: 0, withEch: 0, withoutSni: 0, cleartext: new Map(),
        userAgents: new Set(), ja4: new Set(), hassh: new Set(), sshBanners: new Set(), dhcp: new Set(), announced: new Set(),
        destinations: new Map(), hours: new Array<number>(24).fill(0),
      };
      this.devices.set(address, d);
    }
    return d;
  }

  report(now = new Date()): ExposureReport {
    const devices = [...this.devices.values()].sort((a, b) => b.bytes - a.bytes || a.address.localeCompare(b.address)).map((d) => this.deviceReport(d));
    return { generated: now.toISOString(), captures: [...this.captures].sort(), local: [...this.localText], flows: this.flows, flows_not_local: this.notLocal, devices };
  }

  private deviceReport(d: DeviceState): DeviceExposure {
    const top = (m: Map<string, number>): Counted[] =>
      [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, LIST_LIMIT).map(([name, flows]) => ({ name, flows }));
    const list = (s: Set<string>): string[] => [...s].sort().slice(0, LIST_LIMIT);
    const rare = [...d.destinations]
      .filter(([name, v]) => !v.known && (this.visitors.get(name)?.size ?? 0) <= 1)
      .map(([name, v]) => ({ name, flows: v.flows }))
      .sort((a, b) => b.flows - a.flows || a.name.localeCompare(b.name));
    const iso = (s: number): string => (Number.isFinite(s) ? new Date(s * 1000).toISOString() : '');
    const out: DeviceExposure = {
      address: d.address, flows: d.flows, bytes: d.bytes, first_seen: iso(d.first), last_seen: iso(d.last),
      dns_names: top(d.dnsNames), tls_names: top(d.tlsNames), http_hosts: top(d.httpHosts), http_paths: [...d.httpPaths],
      dns: { plain_queries: d.plainDns, doh: d.doh, dot: d.dot, doq: d.doq, resolvers: list(d.resolvers) },
      tls: { with_sni: d.withSni, with_ech: d.withEch, without_sni: d.withoutSni },
      cleartext: [...d.cleartext.values()].sort((a, b) => b.flows - a.flows || a.protocol.localeCompare(b.protocol)),
      fingerprints: { user_agents: list(d.userAgents), ja4: list(d.ja4), hassh: list(d.hassh), ssh_banners: list(d.sshBanners), dhcp_vendor_classes: list(d.dhcp), announced_names: list(d.announced) },
      destinations: { total: d.destinations.size, known_providers: [...d.destinations.values()].filter((v) => v.known).length, rare: rare.slice(0, LIST_LIMIT) },
      hours_utc: d.hours,
      fixes: [],
    };
    out.fixes = fixesFor(out, d.dnsNames.size, d.tlsNames.size, d.httpHosts.size, rare.length);
    return out;
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Each fix answers one finding; the most serious first. */
export function fixesFor(d: DeviceExposure, dnsNames: number, tlsNames: number, httpHosts: number, rare: number): Fix[] {
  const fixes: Fix[] = [];
  const credentials = d.cleartext.filter((c) => c.carries === 'credentials');
  if (credentials.length > 0) {
    fixes.push({
      severity: 'high',
      finding: `Logins were sent in clear over ${credentials.map((c) => c.protocol).join(', ')}: anyone on the path can read the password.`,
      fix: 'Change those passwords, then use the encrypted form (SSH or SFTP instead of Telnet or FTP, IMAPS/POP3S or STARTTLS for mail, HTTPS for web logins).',
    });
  }
  const mail = d.cleartext.filter((c) => c.carries === 'mail');
  if (mail.length > 0) {
    fixes.push({
      severity: 'high',
      finding: `Mail went in clear over ${mail.map((c) => c.protocol).join(', ')} (${plural(mail.reduce((n, c) => n + c.flows, 0), 'session')}): messages and addresses are readable on the path.`,
      fix: 'In the mail client, require SSL/TLS (IMAP 993, POP3 995, SMTP submission 465 or 587 with STARTTLS) and refuse plain connections.',
    });
  }
  if (d.dns.plain_queries > 0) {
    const encrypted = d.dns.doh + d.dns.dot + d.dns.doq;
    fixes.push({
      severity: encrypted > 0 ? 'low' : 'medium',
      finding: `${plural(dnsNames, 'name')} looked up in plain DNS (${plural(d.dns.plain_queries, 'query', 'queries')} to ${d.dns.resolvers.filter(isAddressText).slice(0, 3).join(', ') || 'the resolver'})${encrypted > 0 ? ', although encrypted DNS is in use for some' : ''}: every site visited is listed on the path.`,
      fix: encrypted > 0
        ? 'Some software bypasses the encrypted resolver: turn on encrypted DNS in the operating system as well (Android "Private DNS", iOS/macOS DNS profiles, Windows DoH, systemd-resolved DNSOverTLS).'
        : 'Turn on encrypted DNS: DNS over HTTPS in the browser, or DNS over TLS in the operating system or router (Android "Private DNS", Windows DoH, systemd-resolved DNSOverTLS).',
    });
  }
  const tlsWithoutEch = d.tls.with_sni - d.tls.with_ech;
  if (tlsWithoutEch > 0) {
    fixes.push({
      severity: 'medium',
      finding: `${plural(tlsNames, 'site name')} visible in TLS and QUIC handshakes (SNI)${d.tls.with_ech > 0 ? `; ${plural(d.tls.with_ech, 'connection')} used Encrypted Client Hello` : '; no Encrypted Client Hello'}: encryption hides the pages, not the sites.`,
      fix: 'Use a browser with Encrypted Client Hello on (current Firefox and Chrome, with encrypted DNS, which ECH needs); for everything else, a VPN or Tor hides the names from the local path.',
    });
  }
  const http = d.cleartext.find((c) => c.protocol === 'HTTP');
  if (http || httpHosts > 0) {
    fixes.push({
      severity: 'medium',
      finding: `Plain HTTP to ${plural(httpHosts, 'host')}${d.http_paths.length > 0 ? ', with the pages requested' : ''}${d.fingerprints.user_agents.length > 0 ? ' and the software (user agent)' : ''}: content and addresses are readable and can be changed on the path.`,
      fix: 'Turn on HTTPS-only mode in the browser; update or replace apps and devices that still fetch over plain HTTP.',
    });
  }
  const other = d.cleartext.filter((c) => c.carries === 'clear' && c.protocol !== 'HTTP');
  if (other.length > 0) {
    fixes.push({
      severity: 'low',
      finding: `Other protocols in clear: ${other.map((c) => `${c.protocol} (${plural(c.flows, 'flow')})`).join(', ')}.`,
      fix: 'Use their TLS versions where they exist, or keep them inside the local network or a VPN.',
    });
  }
  const f = d.fingerprints;
  if (f.announced_names.length > 0 || f.dhcp_vendor_classes.length > 0) {
    fixes.push({
      severity: 'low',
      finding: `The device announces or looks up names on the local network${f.announced_names.length > 0 ? ` (${f.announced_names.slice(0, 3).map((n) => `"${n}"`).join(', ')})` : ''}${f.dhcp_vendor_classes.length > 0 ? ` and says it is a ${f.dhcp_vendor_classes.slice(0, 2).join(', ')} system (DHCP)` : ''}: anyone on the same network (a café's Wi-Fi) sees who and what it is.`,
      fix: 'Give the device a generic name (not your own), and turn off network discovery (mDNS/Bonjour, NetBIOS) on untrusted networks.',
    });
  }
  if (f.ssh_banners.length > 0) {
    fixes.push({
      severity: 'low',
      finding: `SSH announces its exact software version: ${f.ssh_banners.slice(0, 2).join(', ')}.`,
      fix: 'Keep SSH up to date; an observer can look up the known flaws of an old version.',
    });
  }
  if (rare > 0) {
    fixes.push({
      severity: 'low',
      finding: `${plural(rare, 'destination')} that no large provider serves and that only this device visits (${d.destinations.rare.slice(0, 3).map((r) => r.name).join(', ')}): traffic there stands out and points to this device.`,
      fix: 'A self-hosted server or a rare service identifies you more than the names do: put it behind a shared front (a CDN) or reach it over a VPN.',
    });
  }
  const order = { high: 0, medium: 1, low: 2 };
  return fixes.sort((a, b) => order[a.severity] - order[b.severity]);
}
