import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// FIX (Financial Information eXchange, FIX Trading Community, "FIX Session Protocol" / tag=value
// encoding): every message starts with BeginString 8=FIX.4.x or 8=FIXT.1.1, SOH, then
// BodyLength 9=n, SOH, then MsgType 35=… . Field values (orders, accounts) are never output;
// the version and the first message type are.

interface State {
  done: boolean;
}

export function parseFixStart(d: Uint8Array, off: number, len: number): { version: string; msgType: string | null } | null | undefined {
  const end = off + Math.min(len, 96);
  if (len < 6) return undefined;
  const head = String.fromCharCode(...d.subarray(off, end));
  const m = /^8=(FIXT?\.\d\.\d)\x019=(\d{1,7})\x01(?:35=([0-9A-Za-z]{1,4})\x01)?/.exec(head);
  if (m) return { version: m[1]!, msgType: m[3] ?? null };
  // other BeginString values (venue dialects): the standard header order 8, 9, 35 must hold
  const g = /^8=([\x21-\x7e]{1,12})\x019=(\d{1,7})\x0135=([0-9A-Za-z]{1,4})\x01/.exec(head);
  if (g) return { version: g[1]!, msgType: g[3]! };
  // not complete yet?
  if (/^8=[\x21-\x7e]{0,12}(\x01(9(=\d{0,7}(\x01(3(5(=[0-9A-Za-z]{0,4})?)?)?)?)?)?)?$/.test(head) && len < 96) return undefined;
  return null;
}

const TYPES: Record<string, string> = { '0': 'Heartbeat', '1': 'TestRequest', '2': 'ResendRequest', '3': 'Reject', '4': 'SequenceReset', '5': 'Logout', A: 'Logon', D: 'NewOrderSingle', '8': 'ExecutionReport', V: 'MarketDataRequest', W: 'MarketDataSnapshot', X: 'MarketDataIncrementalRefresh' };

export default defineDissector<State>({
  name: 'fix',
  protocols: [{ name: 'FIX', category: 'Finance', kind: 'protocol', description: 'Financial Information eXchange protocol' }],
  transports: Transport.Tcp,
  firstBytes: [0x38],
  maxPackets: 3,
  fields: [
    { name: 'version', type: 'string', description: 'BeginString: FIX.4.2, FIXT.1.1, …' },
    { name: 'message_type', type: 'string', description: 'the MsgType of the first message (Logon, Heartbeat, …)' },
  ],
  probe(d, off, len) {
    return len >= 2 ? d[off] === 0x38 && d[off + 1] === 0x3d : d[off] === 0x38;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    const m = parseFixStart(d, off, len);
    if (m === undefined) return Verdict.Continue;
    if (m === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('FIX'));
    ctx.setField('version', m.version);
    if (m.msgType) ctx.setField('message_type', TYPES[m.msgType] ?? m.msgType);
    return Verdict.Done;
  },
});
