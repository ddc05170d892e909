import { defineDissector, type InspectContext, Transport, Verdict } from '../../api/dissector.js';
import { hex, HANDSHAKE_LEN, matchHandshake, readKrpc, readUtp } from './parser.js';

// BitTorrent (see parser.ts): the peer wire handshake on TCP; on UDP, DHT KRPC dictionaries, or
// uTP, named when a SYN is answered by a STATE acknowledging it, or after three uTP packets whose
// connection ids agree (constant per direction, the two directions one apart). Tracker announces
// over HTTP are HTTP's business.

interface State {
  /** uTP: connection id per direction (-1 unseen), packets seen, the SYN's id and seq */
  utpConn: [number, number];
  /** last seq_nr / ack_nr per direction (-1 unseen) */
  utpSeq: [number, number];
  utpAck: [number, number];
  utpPackets: number;
  syn: { conn: number; seq: number } | null;
}

const UTP_CONFIRM = 3;

export default defineDissector<State>({
  name: 'bittorrent',
  protocols: [{ name: 'BitTorrent', category: 'P2P', kind: 'protocol', tcpPorts: [6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889], udpPorts: [6881, 6771], description: 'BitTorrent peer-to-peer file sharing' }],
  transports: Transport.Tcp | Transport.Udp,
  firstBytes: [0x13, 0x64, 0x01, 0x11, 0x21, 0x31, 0x41],
  maxPackets: 6,
  fields: [
    { name: 'info_hash', type: 'string', description: 'the torrent the peers exchange (SHA-1 of its info dictionary, hex)' },
    { name: 'transport', type: 'string', description: 'tcp, utp or dht' },
  ],
  probe(data, off, len, ctx) {
    if (ctx.l4 === 6) return matchHandshake(data, off, len) !== 0;
    return readKrpc(data, off, len) !== null || readUtp(data, off, len) !== null;
  },
  createState() {
    return { utpConn: [-1, -1], utpSeq: [-1, -1], utpAck: [-1, -1], utpPackets: 0, syn: null };
  },
  inspect(state, data, off, len, ctx) {
    if (ctx.l4 === 6) {
      const m = matchHandshake(data, off, len);
      if (m === 0) return Verdict.NotMine;
      if (m < 0) return Verdict.Continue;
      ctx.setProtocol(ctx.protocolId('BitTorrent'));
      ctx.setField('transport', 'tcp');
      if (len < HANDSHAKE_LEN - 20) return Verdict.Continue; // wait for the info_hash
      ctx.setField('info_hash', hex(data, off + 28, 20));
      return Verdict.Done;
    }
    const k = readKrpc(data, off, len);
    if (k) {
      ctx.setProtocol(ctx.protocolId('BitTorrent'));
      ctx.setField('transport', 'dht');
      if (k.infoHash) ctx.setField('info_hash', k.infoHash);
      return Verdict.Done;
    }
    const u = readUtp(data, off, len);
    if (!u) return Verdict.NotMine;
    if (u.type === 4) {
      state.syn = { conn: u.connectionId, seq: u.seq };
    } else if (u.type === 2 && state.syn && u.connectionId === state.syn.conn && u.ack === state.syn.seq) {
      return utp(ctx);
    }
    // per direction the connection id is constant (a SYN carries the receive id, one below)
    const prev = state.utpConn[ctx.dir];
    if (prev >= 0 && prev !== u.connectionId && !(u.type !== 4 && ((prev + 1) & 0xffff) === u.connectionId)) return Verdict.NotMine;
    state.utpConn[ctx.dir] = u.connectionId;
    const other = state.utpConn[ctx.dir ^ 1];
    if (other >= 0 && Math.abs(other - u.connectionId) > 1 && Math.abs(other - u.connectionId) !== 0xffff) return Verdict.NotMine;
    // seq_nr advances by one per DATA / FIN packet and stays put on STATE; ack_nr never goes back
    const lastSeq = state.utpSeq[ctx.dir];
    const lastAck = state.utpAck[ctx.dir];
    state.utpSeq[ctx.dir] = u.seq;
    state.utpAck[ctx.dir] = u.ack;
    if (lastSeq >= 0) {
      const dSeq = (u.seq - lastSeq) & 0xffff;
      const dAck = (u.ack - lastAck) & 0xffff;
      const seqOk = u.type === 0 || u.type === 1 ? dSeq === 1 : dSeq === 0 || dSeq === 1;
      if (!seqOk || dAck > 0x7fff) return state.utpPackets > 0 ? Verdict.Continue : Verdict.NotMine;
    } else if (state.utpPackets > 0 || other < 0) {
      // the first packet of a direction only sets the baseline
      if (other < 0) return Verdict.Continue;
    }
    state.utpPackets++;
    return state.utpPackets >= UTP_CONFIRM ? utp(ctx) : Verdict.Continue;
  },
});

function utp(ctx: InspectContext): 1 {
  ctx.setProtocol(ctx.protocolId('BitTorrent'));
  ctx.setField('transport', 'utp');
  return Verdict.Done;
}
