import { type ProtocolSpec } from './catalog.js';
import { type FieldType } from '../../flow/schema.js';
import { type ZeekLogDeclaration } from './zeek-log.js';

// The one small interface every protocol dissector implements (one folder per protocol under
// src/dpi/protocols/, found at start-up: adding a protocol touches that folder only).

export const Transport = { Tcp: 1, Udp: 2 } as const;

/** What `inspect` says about the flow after looking at more payload. */
export const Verdict = {
  /** not decided yet: call me with the next payload */
  Continue: 0,
  /** I named the flow (or extracted all I want): stop inspecting it */
  Done: 1,
  /** not my protocol: drop me from this flow's candidates */
  NotMine: 2,
} as const;
export type VerdictValue = (typeof Verdict)[keyof typeof Verdict];

/**
 * A per-protocol field the dissector writes into flow records: they appear in an object named
 * after the dissector, e.g. `"tls": {"version": "1.3", …}` (null when the dissector wrote nothing).
 */
export interface DpiFieldSpec {
  /** key inside the protocol's object, snake case, e.g. 'user_agent' */
  name: string;
  type: FieldType;
  description: string;
  /**
   * What --privacy strict does with the value: 'host' a host name, cut to its registrable domain;
   * 'hosts' a list whose host names are cut so (addresses in it stay); 'identifying' left out
   * (URL paths, user agents, file and device names). Unset: written as it is.
   */
  privacy?: 'host' | 'hosts' | 'identifying';
}

/** What a probe may know of the flow: the direction of its first payload, and the ports. */
export interface ProbeContext {
  /** 0: client → server, 1: server → client */
  readonly dir: 0 | 1;
  /** 6 TCP, 17 UDP */
  readonly l4: number;
  readonly clientPort: number;
  readonly serverPort: number;
}

/** A risk flag a flow can carry, declared by the dissector that raises it (or core: src/dpi/api/risks.ts). */
export interface RiskSpec {
  /** snake case, e.g. 'weak_tls_cipher' */
  name: string;
  severity: 'low' | 'medium' | 'high';
  description: string;
  /** nDPI's name for the same risk, when it has one */
  ndpi?: string;
}

/** Facts about the flow and the packet being inspected, and where the dissector writes results. */
export interface InspectContext extends ProbeContext {
  /** payload-carrying packets of the flow inspected so far, this one included */
  readonly payloadPackets: number;
  /**
   * TCP: `data[off..off+len)` is this direction's whole reassembled stream so far (bounded), and
   * `newData` is where the bytes new with this packet start. UDP: one datagram, newData = off.
   */
  readonly newData: number;
  /** TCP: the stream has a hole (lost segments) before newData */
  readonly gap: boolean;
  /** the packet is an IP datagram reassembled from fragments */
  readonly reassembled: boolean;
  readonly tsMicros: number;

  /** names the flow's protocol (the wire protocol, e.g. TLS); confidence 'dpi' */
  setProtocol(id: number): void;
  /** names the application over it (e.g. YouTube), when the protocol itself says so */
  setApplication(id: number): void;
  /** the server name the flow is for (TLS SNI, HTTP Host, DNS query…); matched to applications */
  setHostname(name: string): void;
  /** a declared field of the calling dissector (see DpiFieldSpec); strings, numbers, booleans, arrays */
  setField(name: string, value: unknown): void;
  /** a risk flag by name (declared by a dissector or in src/dpi/api/risks.ts), with an optional one-line explanation */
  addRisk(name: string, info?: string): void;
  /** a DNS answer: later flows to `address` are labelled with the application of `name` */
  learnDnsAnswer(name: string, address: string): void;
  /**
   * The application named for this flow also names the other real-time media flows (STUN, DTLS,
   * RTP) of the same client address and port that nothing else names: one ICE socket, one call.
   */
  shareApplicationWithClientSocket(): void;
  /** a fingerprint field shared by several protocols (TLS, QUIC, DTLS) */
  setFingerprint(kind: 'ja3' | 'ja4' | 'ja3s' | 'hassh' | 'hassh_server', value: string): void;
  setAlpn(alpn: readonly string[]): void;
  /** the names a server certificate is for: the application when the flow has no host name */
  setCertificateNames(names: readonly string[]): void;
  /** the catalog id of a protocol or application by name (looked up once, then cached) */
  protocolId(name: string): number;
  /** the protocol named so far for this flow (0: none) */
  readonly currentProtocol: number;
  /**
   * Hands the rest of the flow to another dissector as well: STARTTLS (SMTP, IMAP, POP3, FTP,
   * XMPP…) and RDP hand over to 'tls'; STUN to 'dtls' when DTLS shares its UDP flow. TCP: the
   * started dissector sees each direction's stream from where it ends now; UDP: from this
   * datagram on. It keeps inspecting after the caller returns Done.
   */
  startDissector(name: string): void;
}

export interface Dissector<S = unknown> {
  /** folder name, lower case: 'tls', 'dns' */
  readonly name: string;
  /** the protocols (and applications) this dissector can name */
  readonly protocols: readonly ProtocolSpec[];
  /** bit set of Transport */
  readonly transports: number;
  /**
   * Values the first payload byte of a flow (either direction) can have for this protocol: the
   * engine probes only dissectors whose set holds the byte. Omit when any byte may start it.
   */
  readonly firstBytes?: readonly number[];
  /** payload packets this dissector may need before it must decide (default 8) */
  readonly maxPackets?: number;
  /** per-protocol fields this dissector writes: setField refuses any other name */
  readonly fields?: readonly DpiFieldSpec[];
  /** the risks only this protocol raises (flags several protocols share are core, in dpi/api/risks.ts) */
  readonly risks?: readonly RiskSpec[];
  /** the protocol's Zeek log (dns.log, ssl.log…): which of its values go in which of Zeek's fields */
  readonly zeek?: ZeekLogDeclaration;
  /** the boolean field that says the session went on in TLS (STARTTLS): Zeek then lists ssl as a service too */
  readonly zeekTlsUpgrade?: string;
  /**
   * Cheap check of the flow's first payload: could it be this protocol? Must not allocate.
   * `ctx` gives direction and ports only: a probe decides nothing, so it cannot write results.
   */
  probe(data: Uint8Array, off: number, len: number, ctx: ProbeContext): boolean;
  createState(): S;
  inspect(state: S, data: Uint8Array, off: number, len: number, ctx: InspectContext): VerdictValue;
}

/** Identity helper that keeps a dissector's state type checked. */
export function defineDissector<S>(d: Dissector<S>): Dissector<S> {
  return d;
}

/**
 * A catalog entry without dissection, for a name whose wire format has no public description that
 * could be checked: the catalog knows it (nDPI's name, category, the vendor's ports for port
 * guesses, applications by domain), and DPI never names a flow with it. No first byte is declared,
 * so the engine never even probes it.
 */
export function catalogOnly(name: string, protocols: readonly ProtocolSpec[]): Dissector<null> {
  return {
    name,
    protocols,
    transports: Transport.Tcp | Transport.Udp,
    firstBytes: [],
    probe: () => false,
    createState: () => null,
    inspect: () => Verdict.NotMine,
  };
}
