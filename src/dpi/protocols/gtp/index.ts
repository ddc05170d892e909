import { defineDissector, type ProbeContext, Transport, Verdict } from '../../api/dissector.js';
import {
  GTP_C_PORT, GTP_PRIME_MESSAGE_NAMES, GTP_PRIME_PORT, GTP_U_MESSAGE_NAMES, GTP_U_PORT, gtpcVersion, gtpPrimeMessage, gtpuMessage,
} from './parser.js';

// The GPRS Tunnelling Protocols, each on its own port as nDPI names them:
// - GTP_C: the control plane, GTPv1-C (3GPP TS 29.060) and GTPv2-C (TS 29.274), UDP 2123;
// - GTP_U: the user plane, GTPv1-U (TS 29.281), UDP 2152. sonde decapsulates G-PDUs (wire/gtp.ts),
//   so this names the path's own flow: echo, error indication, end marker, and G-PDUs whose payload
//   is not an IP packet (or all of them when GTP-U decapsulation is off);
// - GTP_PRIME: GTP' (TS 32.295), the charging protocol between the GSNs and the charging gateway,
//   UDP 3386, versions 0 (20- or 6-octet header), 1 and 2;
// - GTP: nDPI's parent entry, which its reader shows for a flow on 2152 or 2123 that no message
//   names: sonde names it from a GTP message of the other plane on those ports, and guesses it
//   by port only where the payload does not contradict GTP.
// GTPv0 (GSM 09.60: version 0, PT 1, a 20-octet header with flow label and TID, UDP/TCP 3386) is
// not named: nDPI's reader leaves it Unknown on 3386, and so does sonde. PT 1 keeps it from
// passing for GTP' on that port, version 0 from passing for GTP-U.

function onPort(ctx: ProbeContext, port: number): boolean {
  return ctx.serverPort === port || ctx.clientPort === port;
}

/** 0 GTP_C, 1 GTP_U, 2 GTP_PRIME, 3 GTP (the other plane's message on a GTP port), -1 none */
function which(d: Uint8Array, off: number, len: number, ctx: ProbeContext): number {
  if (onPort(ctx, GTP_C_PORT) && gtpcVersion(d, off, len) !== null) return 0;
  if (onPort(ctx, GTP_U_PORT) && gtpuMessage(d, off, len) >= 0) return 1;
  if (onPort(ctx, GTP_PRIME_PORT) && gtpPrimeMessage(d, off, len) >= 0) return 2;
  // a message of the other plane on a GTP port is still GTP: nDPI's parent name, from the payload
  if ((onPort(ctx, GTP_C_PORT) || onPort(ctx, GTP_U_PORT)) && (gtpcVersion(d, off, len) !== null || gtpuMessage(d, off, len) >= 0)) return 3;
  return -1;
}

export default defineDissector<{ n: number }>({
  name: 'gtp',
  protocols: [
    { name: 'GTP', category: 'Network', kind: 'protocol', udpPorts: [GTP_U_PORT, GTP_C_PORT], description: 'GPRS Tunnelling Protocol (a flow on its ports that no GTP message named)' },
    { name: 'GTP_C', category: 'Network', kind: 'protocol', udpPorts: [GTP_C_PORT], description: 'GPRS Tunnelling Protocol, control plane' },
    { name: 'GTP_U', category: 'Network', kind: 'protocol', udpPorts: [GTP_U_PORT], description: 'GPRS Tunnelling Protocol, user plane: the path between two GTP-U endpoints' },
    // no port guess: GTPv0 shares 3386, and nDPI's reader guesses nothing there (it leaves GTPv0 Unknown)
    { name: 'GTP_PRIME', category: 'Network', kind: 'protocol', description: "GTP', the charging data transfer protocol (3GPP TS 32.295), UDP 3386" },
  ],
  transports: Transport.Udp,
  // GTPv1 (PT 1) 0x30..0x37, GTPv2-C, and GTP' versions 0 (both header lengths), 1 and 2
  firstBytes: [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x40, 0x44, 0x48, 0x4c, 0x50, 0x54, 0x58, 0x5c, 0x0e, 0x0f, 0x2e, 0x4e],
  maxPackets: 2,
  fields: [
    { name: 'version', type: 'int', description: "GTP version: 1 or 2 for GTP-C, 1 for GTP-U, 0, 1 or 2 for GTP'" },
    { name: 'message', type: 'string', description: "the first message, for GTP-U ('echo_request', 'echo_response', 'error_indication', 'end_marker', 'g_pdu', …) and GTP' ('data_record_transfer_request', 'node_alive_request', 'redirection_request', …)" },
  ],
  probe(d, off, len, ctx) {
    return which(d, off, len, ctx) >= 0;
  },
  createState() {
    return { n: 0 };
  },
  inspect(_s, d, off, len, ctx) {
    switch (which(d, off, len, ctx)) {
      case 0:
        ctx.setProtocol(ctx.protocolId('GTP_C'));
        ctx.setField('version', gtpcVersion(d, off, len));
        return Verdict.Done;
      case 1:
        ctx.setProtocol(ctx.protocolId('GTP_U'));
        ctx.setField('version', 1);
        ctx.setField('message', GTP_U_MESSAGE_NAMES.get(gtpuMessage(d, off, len)));
        return Verdict.Done;
      case 2:
        ctx.setProtocol(ctx.protocolId('GTP_PRIME'));
        ctx.setField('version', d[off]! >> 5);
        ctx.setField('message', GTP_PRIME_MESSAGE_NAMES.get(gtpPrimeMessage(d, off, len)));
        return Verdict.Done;
      case 3:
        ctx.setProtocol(ctx.protocolId('GTP'));
        return Verdict.Done;
      default:
        return Verdict.NotMine;
    }
  },
});
