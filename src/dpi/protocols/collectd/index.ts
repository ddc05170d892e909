import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u16be } from '../../helpers/text.js';

// collectd's binary network protocol (collectd.org wiki "Binary protocol"), UDP 25826: a
// datagram is a chain of parts, each a type (u16), a length (u16, the whole part, ≥ 4) and data.
// Types: 0x0000 host, 0x0001 time, 0x0002 plugin, 0x0003 plugin instance, 0x0004 type,
// 0x0005 type instance, 0x0006 values, 0x0007 interval, 0x0008 high-resolution time,
// 0x0009 high-resolution interval, 0x0100 message, 0x0101 severity, 0x0200 signature (HMAC),
// 0x0210 encryption. The host part (the monitored machine's own name) is the flow's host name;
// user names, plugin names and values are never output.

const TYPES = new Set([0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x0100, 0x0101, 0x0200, 0x0210]);

/**
 * 'plain', 'signed', 'encrypted' or null; 'damaged' when three or more well-formed parts are
 * followed by a broken one (a truncated or corrupted datagram).
 */
export function collectdParts(d: Uint8Array, off: number, len: number): string | null {
  if (len < 8) return null;
  const first = u16be(d, off);
  // signed and encrypted parts wrap the rest of the datagram
  if (first === 0x0200 || first === 0x0210) {
    const n = u16be(d, off + 2);
    const user = u16be(d, off + 4 + (first === 0x0200 ? 32 : 0));
    if (first === 0x0210) return n === len && user > 0 && user < 256 ? 'encrypted' : null;
    return n >= 36 && n <= len ? 'signed' : null;
  }
  let p = 0;
  let parts = 0;
  while (p < len) {
    const t = p + 4 <= len ? u16be(d, off + p) : -1;
    const n = p + 4 <= len ? u16be(d, off + p + 2) : 0;
    // numeric parts are 12 bytes
    const numeric = t === 0x0001 || t === 0x0007 || t === 0x0008 || t === 0x0009 || t === 0x0101;
    if (!TYPES.has(t) || n < 4 || p + n > len || (numeric && n !== 12)) return parts >= 3 ? 'damaged' : null;
    p += n;
    parts++;
  }
  return parts >= 2 ? 'plain' : null;
}

/** the first host part of a plain datagram */
export function collectdHost(d: Uint8Array, off: number, len: number): string | null {
  let p = 0;
  while (p + 4 <= len) {
    const t = u16be(d, off + p);
    const n = u16be(d, off + p + 2);
    if (n < 4 || p + n > len) return null;
    if (t === 0x0000 && n > 4) {
      let name = '';
      for (let i = off + p + 4; i < off + p + n && d[i] !== 0; i++) {
        const c = d[i]!;
        if (c <= 0x20 || c > 0x7e) return null;
        name += String.fromCharCode(c);
      }
      return name.length > 0 ? name : null;
    }
    p += n;
  }
  return null;
}

export default defineDissector<{ n: number }>({
  name: 'collectd',
  protocols: [{ name: 'collectd', category: 'System', kind: 'protocol', udpPorts: [25826], description: 'collectd network plugin' }],
  transports: Transport.Udp,
  firstBytes: [0x00, 0x01, 0x02],
  maxPackets: 8,
  fields: [{ name: 'security', type: 'string', description: 'plain, signed or encrypted' }],
  probe(d, off, len, ctx) {
    return ctx.serverPort === 25826 || ctx.clientPort === 25826 || collectdParts(d, off, len) === 'plain';
  },
  createState() {
    return { n: 0 };
  },
  inspect(s, d, off, len, ctx) {
    const m = collectdParts(d, off, len);
    if (!m) {
      // a damaged datagram on collectd's port: look at the next ones
      return ctx.serverPort === 25826 && ++s.n < 8 ? Verdict.Continue : Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('collectd'));
    if (m === 'damaged') ctx.addRisk('malformed_packet', 'collectd datagram with a broken part');
    ctx.setField('security', m === 'damaged' ? 'plain' : m);
    const host = m === 'plain' || m === 'damaged' ? collectdHost(d, off, len) : null;
    if (host !== null) ctx.setHostname(host);
    return Verdict.Done;
  },
});
