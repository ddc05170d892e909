import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { header, mayStart, readStart } from './parser.js';

// SIP over UDP or TCP (see parser.ts): named on a well-formed request or response start line.
// Fields: the first request's method and the software (User-Agent, or a response's Server).

interface State {
  done: boolean;
}

export default defineDissector<State>({
  name: 'sip',
  protocols: [{ name: 'SIP', category: 'VoIP', kind: 'protocol', tcpPorts: [5060, 5061], udpPorts: [5060, 5061], description: 'Session Initiation Protocol' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x53, 0x49, 0x41, 0x42, 0x43, 0x52, 0x4f, 0x50, 0x4e, 0x4d, 0x55],
  maxPackets: 4,
  fields: [
    { name: 'method', type: 'string', description: 'the method of the first request seen (INVITE, REGISTER, OPTIONS…)' },
    { name: 'user_agent', type: 'string', description: 'the SIP software: User-Agent, or Server in a response', privacy: 'identifying' },
  ],
  probe(data, off, len) {
    return mayStart(data, off, len);
  },
  createState() {
    return { done: false };
  },
  inspect(_state, data, off, len, ctx) {
    // TCP: the start of the stream; UDP: this datagram
    const start = readStart(data, off, len);
    if (!start) {
      // a line not complete yet on TCP
      if (ctx.l4 === 6 && len < 1024 && !data.subarray(off, off + len).includes(0x0a)) return Verdict.Continue;
      return Verdict.NotMine;
    }
    ctx.setProtocol(ctx.protocolId('SIP'));
    if (start.method) ctx.setField('method', start.method);
    const ua = header(data, off, len, start.method ? 'User-Agent' : 'Server') ?? header(data, off, len, 'User-Agent');
    if (ua) ctx.setField('user_agent', ua);
    return Verdict.Done;
  },
});
