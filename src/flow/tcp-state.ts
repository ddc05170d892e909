// TCP events per direction, Zeek-style connection states and history letters.

export const TcpEvent = {
  Syn: 0x01, // SYN without ACK
  SynAck: 0x02,
  Ack: 0x40,
  Data: 0x04,
  Fin: 0x08,
  Rst: 0x10,
} as const;

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;
const RST = 0x04;

export function tcpEventsOf(flags: number, payloadLen: number): number {
  let e = 0;
  if ((flags & SYN) !== 0) e |= (flags & ACK) !== 0 ? TcpEvent.SynAck : TcpEvent.Syn;
  else if ((flags & ACK) !== 0 && payloadLen === 0 && (flags & (FIN | RST)) === 0) e |= TcpEvent.Ack;
  if (payloadLen > 0) e |= TcpEvent.Data;
  if ((flags & FIN) !== 0) e |= TcpEvent.Fin;
  if ((flags & RST) !== 0) e |= TcpEvent.Rst;
  return e;
}

/** Zeek's history letters: upper case for the client (originator), lower case for the server. */
export function historyLetter(event: number, dir: number): number {
  let c: number;
  switch (event) {
    case TcpEvent.Syn: c = 0x53; break; // S
    case TcpEvent.SynAck: c = 0x48; break; // H
    case TcpEvent.Ack: c = 0x41; break; // A
    case TcpEvent.Data: c = 0x44; break; // D
    case TcpEvent.Fin: c = 0x46; break; // F
    default: c = 0x52; // R
  }
  return dir === 0 ? c : c | 0x20;
}

/**
 * Zeek's conn_state from what each side sent. For other transports: S0 when only the client
 * sent, SF when both did (as Zeek reports UDP).
 */
export function connState(isTcp: boolean, orig: number, resp: number, respPackets: number): string {
  if (!isTcp) return respPackets > 0 ? 'SF' : 'S0';
  const origSyn = (orig & TcpEvent.Syn) !== 0;
  const respSynAck = (resp & TcpEvent.SynAck) !== 0;
  const origFin = (orig & TcpEvent.Fin) !== 0;
  const respFin = (resp & TcpEvent.Fin) !== 0;
  const origRst = (orig & TcpEvent.Rst) !== 0;
  const respRst = (resp & TcpEvent.Rst) !== 0;
  if (origSyn && respSynAck) {
    if (origRst) return 'RSTO';
    if (respRst) return 'RSTR';
    if (origFin && respFin) return 'SF';
    if (origFin) return 'S2';
    if (respFin) return 'S3';
    return 'S1';
  }
  if (origSyn) {
    if (respRst) return 'REJ';
    if (origRst) return 'RSTOS0';
    if (origFin) return 'SH';
    return respPackets > 0 ? 'OTH' : 'S0';
  }
  if (respSynAck) {
    if (respRst) return 'RSTRH';
    if (respFin) return 'SHR';
  }
  return 'OTH';
}
