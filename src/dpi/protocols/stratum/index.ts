import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// Mining pool protocols: Stratum (slushpool's "Stratum mining protocol"; newline-delimited
// JSON-RPC: mining.subscribe, mining.authorize, mining.notify, mining.submit…), its Ethereum
// variants (eth_submitLogin, eth_getWork, eth_submitWork, eth_submitHashrate) and the
// Monero/CryptoNote pool protocol (login, getjob, submit, keepalived with an "agent"). The
// wallet or worker names are never output; the method and miner agent are.

interface State {
  done: boolean;
}

const METHODS = ['mining.subscribe', 'mining.authorize', 'mining.notify', 'mining.submit', 'mining.set_difficulty', 'mining.extranonce.subscribe', 'mining.configure', 'eth_submitLogin', 'eth_getWork', 'eth_submitWork', 'eth_submitHashrate', 'login', 'getjob', 'submit', 'keepalived', 'job'];

export function stratumMethod(line: string): { method: string; agent: string | null } | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const m = (o as Record<string, unknown>)['method'];
  if (typeof m !== 'string' || !METHODS.includes(m)) return null;
  const params = (o as Record<string, unknown>)['params'];
  // the CryptoNote names are generic: they need their parameter object
  if (m === 'login' || m === 'getjob' || m === 'submit' || m === 'keepalived' || m === 'job') {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return null;
    const p = params as Record<string, unknown>;
    if (m === 'login' && !('login' in p)) return null;
    if (m === 'submit' && !('nonce' in p || 'job_id' in p)) return null;
    if ((m === 'getjob' || m === 'keepalived') && !('id' in p)) return null;
    if (m === 'job' && !('blob' in p)) return null;
    const a = p['agent'];
    return { method: m, agent: typeof a === 'string' ? a.slice(0, 80) : null };
  }
  if (m.startsWith('mining.') && !Array.isArray(params)) return null;
  let agent: string | null = null;
  if (m === 'mining.subscribe' && Array.isArray(params) && typeof params[0] === 'string') agent = params[0].slice(0, 80);
  return { method: m, agent };
}

export default defineDissector<State>({
  name: 'stratum',
  protocols: [{ name: 'Stratum', ndpi: 'Mining', category: 'Mining', kind: 'protocol', tcpPorts: [3333], description: 'cryptocurrency mining pool protocols (Stratum and variants)' }],
  transports: Transport.Tcp,
  firstBytes: [0x7b],
  maxPackets: 3,
  fields: [
    { name: 'method', type: 'string', description: 'the first JSON-RPC method (mining.subscribe, login, …)' },
    { name: 'agent', type: 'string', description: 'the miner software, when it says', privacy: 'identifying' },
  ],
  probe(d, off) {
    return d[off] === 0x7b;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (d[off] !== 0x7b) return Verdict.NotMine;
    const end = off + Math.min(len, 4096);
    let eol = -1;
    for (let i = off; i < end; i++) if (d[i] === 0x0a) {
      eol = i;
      break;
    }
    if (eol < 0) return len < 4096 ? Verdict.Continue : Verdict.NotMine;
    const r = stratumMethod(new TextDecoder().decode(d.subarray(off, eol)));
    if (!r) return ctx.dir === 1 ? Verdict.Continue : Verdict.NotMine; // the server may speak first (job)
    ctx.setProtocol(ctx.protocolId('Stratum'));
    ctx.setField('method', r.method);
    if (r.agent) ctx.setField('agent', r.agent);
    return Verdict.Done;
  },
});
