import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// MQTT (OASIS MQTT 3.1.1 §3.1 / 5.0 §3.1): a session opens with CONNECT — fixed header 0x10,
// remaining length (1–4 byte varint), then the protocol name "MQTT" (level 4 or 5) or
// "MQIsdp" (3.1, level 3), and connect flags whose bit 0 is reserved (0). The server answers
// CONNACK 0x20. Client ids, user names and passwords are not output.

interface State {
  done: boolean;
}

export function mqttConnect(d: Uint8Array, off: number, len: number): number | null | undefined {
  if (len < 2) return undefined;
  if (d[off] !== 0x10) return null;
  let p = off + 1;
  let rl = 0;
  for (let i = 0; i < 4; i++) {
    if (p >= off + len) return undefined;
    const b = d[p++]!;
    rl += (b & 0x7f) * 128 ** i;
    if ((b & 0x80) === 0) break;
    if (i === 3) return null;
  }
  if (rl < 10) return null;
  if (off + len < p + 10) return undefined;
  const nameLen = (d[p]! << 8) | d[p + 1]!;
  const name = String.fromCharCode(...d.subarray(p + 2, Math.min(p + 2 + nameLen, off + len)));
  const level = d[p + 2 + nameLen];
  if (level === undefined) return undefined;
  if (name === 'MQTT' && (level === 4 || level === 5)) return (d[p + 3 + nameLen]! & 1) === 0 ? level : null;
  if (name === 'MQIsdp' && level === 3) return 3;
  return null;
}

export default defineDissector<State>({
  name: 'mqtt',
  protocols: [{ name: 'MQTT', category: 'RPC', kind: 'protocol', tcpPorts: [1883], description: 'MQ Telemetry Transport' }],
  transports: Transport.Tcp,
  firstBytes: [0x10],
  maxPackets: 3,
  fields: [{ name: 'version', type: 'string', description: '3.1, 3.1.1 or 5.0' }],
  probe(d, off, _len, ctx) {
    return ctx.dir === 0 && d[off] === 0x10;
  },
  createState() {
    return { done: false };
  },
  inspect(_s, d, off, len, ctx) {
    if (ctx.dir !== 0) return Verdict.Continue;
    const v = mqttConnect(d, off, len);
    if (v === undefined) return Verdict.Continue;
    if (v === null) return Verdict.NotMine;
    ctx.setProtocol(ctx.protocolId('MQTT'));
    ctx.setField('version', v === 3 ? '3.1' : v === 4 ? '3.1.1' : '5.0');
    return Verdict.Done;
  },
});
