import { get, type NameRow, type PeerRow, type RiskRow, type Summary } from '../api.js';
import { barTable } from '../charts.js';
import { h } from '../dom.js';
import { bytes, num } from '../format.js';
import { filters, href } from '../state.js';
import { card, namesTable, panel, timelinePanel, withFilter } from './overview.js';
import { riskTable } from './risks.js';

// One host: an address (either end of its flows) or a server name (and its subdomains).

const looksLikeAddress = (k: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(k) || k.includes(':');

export async function host(view: HTMLElement, key: string): Promise<void> {
  const f = filters();
  const by = looksLikeAddress(key) ? 'address' : 'host';
  f.delete('address');
  f.delete('host');
  f.set(by, key);
  const [s, apps, peers, risks] = await Promise.all([
    get<Summary>('/api/summary', f),
    get<NameRow[]>('/api/top/applications', f),
    get<PeerRow[]>('/api/top/peers', f),
    get<RiskRow[]>('/api/top/risks', f),
  ]);
  const timeline = await timelinePanel('Traffic over time', 'application', f, 'tl_host');
  view.append(
    h('h1', {}, by === 'address' ? `Host ${key}` : `Server name ${key}`),
    h('div', { class: 'cards' }, card('flows', num(s.flows)), card('bytes', bytes(s.bytes)), card('packets', num(s.packets)), card(by === 'address' ? 'peers' : 'clients', num(by === 'address' ? Math.max(s.clients, s.servers) : s.clients)), card('flows with risks', num(s.risky_flows))),
    h('p', {}, h('a', { href: href('/flows', f) }, `All ${num(s.flows)} flows of ${key} →`)),
    h('div', { class: 'grid' },
      timeline,
      panel('Applications', namesTable(apps, 'application')),
      panel(by === 'address' ? 'Peers' : 'Clients', barTable(peers, [
        { title: 'address', value: (r) => r.address },
        { title: 'flows', value: (r) => num(r.flows), num: true },
        { title: 'bytes', value: (r) => bytes(r.bytes), num: true },
      ], (r) => r.bytes, (r) => `/hosts/${encodeURIComponent(r.address)}`)),
      panel('Risks', riskTable(risks, withFilter(by, key))),
    ),
  );
}
