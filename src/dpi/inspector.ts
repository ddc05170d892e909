import { Anomaly, type AnomalyCounters } from '../decode/anomaly.js';
import { type DecodedPacket } from '../decode/packet.js';
import { formatAddress } from '../flow/address.js';
import { KEY_WORDS } from '../flow/key.js';
import { type FlowTable } from '../flow/table.js';
import { type ApplicationDatabase } from './applications.js';
import { allProtocols, findProtocol, protocolEntry, protocolId } from './catalog.js';
import { type Dissector, type InspectContext, Transport, Verdict } from './dissector.js';
import { DISSECTORS } from './registry.js';
import { Confidence, DpiResults, DpiStatus } from './results.js';
import { riskIndex } from './risks.js';
import { TcpStream } from './stream.js';
import { registerL4Protocols } from './l4-protocols.js';

// Runs the dissectors over the first packets of each flow. Candidates are chosen once per flow,
// from tables indexed by transport and first payload byte (not a scan of every dissector), with
// the dissectors whose default ports match tried first. A flow stops being inspected when a
// dissector decides, when every candidate gave up, or after its packet budget.

const DEFAULT_MAX_PACKETS = 8;
/** a flow is never inspected beyond this many payload packets, whatever the dissectors ask */
const HARD_MAX_PACKETS = 32;
const LEARNED_NAMES_MAX = 65536;

/**
 * A pure ACK (no PSH) whose one or two payload bytes are zero: padding some stacks and middle
 * boxes leave in the segment. Taken as stream data it would shadow the real bytes that follow
 * at the same sequence numbers.
 */
function isAckPadding(p: DecodedPacket, captured: number): boolean {
  if (captured > 2 || (p.tcpFlags & 0x08) !== 0) return false;
  for (let i = 0; i < captured; i++) if (p.buf[p.payloadOffset + i] !== 0) return false;
  return true;
}

/** numbers per candidate in FlowInspection.candidates */
const CANDIDATE_WORDS = 3;
/** in a candidate's first word: another dissector handed it the flow (it was not probed) */
const HANDED_OVER = 0x10000;

function addCandidate(insp: FlowInspection, index: number, state: unknown, start0: number, start1: number, handedOver: boolean): void {
  insp.candidates.push(handedOver ? index | HANDED_OVER : index, start0, start1);
  insp.states.push(state);
}

/** Drops candidate i in place (splice would allocate an array of what it removes, on every call). */
function removeCandidate(insp: FlowInspection, i: number): void {
  const c = insp.candidates;
  for (let k = i * CANDIDATE_WORDS; k + CANDIDATE_WORDS < c.length; k++) c[k] = c[k + CANDIDATE_WORDS]!;
  c.length -= CANDIDATE_WORDS;
  const s = insp.states;
  for (let k = i; k + 1 < s.length; k++) s[k] = s[k + 1];
  s.length--;
}

function hasCandidate(insp: FlowInspection, index: number): boolean {
  for (let k = 0; k < insp.candidates.length; k += CANDIDATE_WORDS) if ((insp.candidates[k]! & 0xffff) === index) return true;
  return false;
}

class FlowInspection {
  /**
   * per candidate, CANDIDATE_WORDS numbers: its dissector index (| HANDED_OVER), then where its
   * view of each direction's stream starts; one array, not one per attribute, because a flow
   * waiting for more payload keeps them all (memory per live flow)
   */
  candidates: number[] = [];
  /** per candidate: its dissector's state; states.length is the number of candidates */
  states: unknown[] = [];
  streams: [TcpStream | null, TcpStream | null] = [null, null];
  payloadPackets = 0;
  budget = 0;
}

export class DpiEngine {
  readonly results = new DpiResults();
  private readonly inspections: (FlowInspection | undefined)[] = [];
  /** per flow: the directions whose SYN came before any payload (bit 0 client, bit 1 server) */
  private synSeen = new Uint8Array(0);
  /** per flow and direction ([id*2+dir]): that SYN's sequence number */
  private synSeq = new Uint32Array(0);
  /** [transport index 0 TCP / 1 UDP][first byte] → dissector indexes */
  private readonly byFirstByte: number[][][] = [[], []];
  /** [transport][first byte][dissector index] → 1 when that byte may start that dissector's protocol */
  private readonly firstByteMember: Uint8Array[][] = [[], []];
  /** scratch marks for one candidate choice (no allocation per flow) */
  private readonly tried = new Uint8Array(DISSECTORS.length);
  private readonly portHint: Map<number, number[]>[] = [new Map(), new Map()];
  private readonly portGuess: Map<number, number>[] = [new Map(), new Map()];
  private readonly dnsCache = new Map<string, number>();
  /** client "address port" → application, from media flows that named one (a call's ICE socket) */
  private readonly socketApplications = new Map<string, number>();
  /** protocol id × 65536 + address owner id → application (ProtocolSpec.byAddress) */
  private readonly byAddress = new Map<number, number>();
  /** protocols that declare byAddress: real-time media, whose flows a call's socket names */
  private readonly mediaProtocols = new Set<number>();
  private readonly ctx: Context;
  private readonly l4Protocols: Map<number, number>;
  /** where dissector failures are counted (the engine's anomaly counters) */
  anomalies: AnomalyCounters | null = null;

  constructor(private readonly apps: ApplicationDatabase) {
    this.l4Protocols = registerL4Protocols();
    for (let t = 0; t < 2; t++) {
      for (let b = 0; b < 256; b++) {
        this.byFirstByte[t]![b] = [];
        this.firstByteMember[t]![b] = new Uint8Array(DISSECTORS.length);
      }
    }
    DISSECTORS.forEach((d, i) => {
      for (let t = 0; t < 2; t++) {
        if ((d.transports & (t === 0 ? Transport.Tcp : Transport.Udp)) === 0) continue;
        const bytes = d.firstBytes ?? Array.from({ length: 256 }, (_, b) => b);
        for (const b of bytes) {
          this.byFirstByte[t]![b]!.push(i);
          this.firstByteMember[t]![b]![i] = 1;
        }
        for (const p of d.protocols) {
          for (const port of (t === 0 ? p.tcpPorts : p.udpPorts) ?? []) {
            let list = this.portHint[t]!.get(port);
            if (!list) this.portHint[t]!.set(port, (list = []));
            if (!list.includes(i)) list.push(i);
          }
        }
      }
    });
    for (const e of allProtocols()) {
      e.tcpPorts.forEach((port) => this.portGuess[0]!.has(port) || this.portGuess[0]!.set(port, e.id));
      e.udpPorts.forEach((port) => this.portGuess[1]!.has(port) || this.portGuess[1]!.set(port, e.id));
      for (const [owner, app] of Object.entries(e.byAddress)) {
        this.byAddress.set(e.id * 65536 + protocolId(owner), protocolId(app));
        this.mediaProtocols.add(e.id);
      }
    }
    this.ctx = new Context(this);
  }

  flowCreated(id: number, capacity: number): void {
    this.results.ensure(capacity);
    this.results.reset(id);
    this.inspections[id] = undefined;
    if (this.synSeen.length < capacity) {
      const seen = new Uint8Array(capacity);
      seen.set(this.synSeen);
      this.synSeen = seen;
      const seq = new Uint32Array(capacity * 2);
      seq.set(this.synSeq);
      this.synSeq = seq;
    }
    this.synSeen[id] = 0;
  }

  /** Every packet of a flow still being inspected; O(1) once its DPI is done. */
  onPacket(table: FlowTable, id: number, p: DecodedPacket, dir: 0 | 1): void {
    const r = this.results;
    if (r.status[id] === DpiStatus.Done) return;
    const l4 = p.l4Proto;
    if (l4 !== 6 && l4 !== 17) {
      r.status[id] = DpiStatus.Done;
      return;
    }
    if (p.partialFragment) return; // wait for the reassembled datagram
    let insp = this.inspections[id];
    const captured = Math.min(p.payloadLen, p.end - p.payloadOffset);
    if (insp === undefined) {
      if (l4 === 6 && (p.tcpFlags & 0x02) !== 0 && captured <= 0) {
        // a SYN before any payload: its sequence number (the first SYN's, as a stream keeps it)
        // is all the stream needs for now, kept in an array: handshakes without payload, scans
        // above all, are many
        if ((this.synSeen[id]! & (1 << dir)) === 0) this.synSeq[id * 2 + dir] = p.tcpSeq;
        this.synSeen[id]! |= 1 << dir;
        r.status[id] = DpiStatus.Inspecting;
        return;
      }
      if (captured <= 0) return;
      insp = this.inspections[id] = new FlowInspection();
      r.status[id] = DpiStatus.Inspecting;
      for (let d = 0; d < 2; d++) {
        if ((this.synSeen[id]! & (1 << d)) === 0) continue;
        const s = (insp.streams[d] = new TcpStream());
        s.syn(this.synSeq[id * 2 + d]!);
      }
    }
    let data = p.buf;
    let off = p.payloadOffset;
    let len = captured;
    let newData = off;
    let gap = false;
    if (l4 === 6) {
      let s = insp.streams[dir];
      if ((p.tcpFlags & 0x02) !== 0) {
        if (!s) s = insp.streams[dir] = new TcpStream();
        s.syn(p.tcpSeq);
      }
      if (captured <= 0) return;
      if (isAckPadding(p, captured)) return;
      if (!s) s = insp.streams[dir] = new TcpStream();
      const added = s.add(p.tcpSeq, p.buf, p.payloadOffset, captured);
      if (added === 0) return;
      data = s.buf;
      off = 0;
      len = s.len;
      newData = s.len - added;
      gap = s.gap;
    } else if (captured <= 0) {
      return;
    }

    insp.payloadPackets++;
    const ctx = this.ctx;
    ctx.bind(table, id, p, dir, insp.payloadPackets, newData, gap, insp);
    if (insp.payloadPackets === 1 || insp.states.length === 0 && insp.budget === 0) {
      this.chooseCandidates(insp, data, newData, off + len - newData, l4 === 6 ? 0 : 1, ctx);
      if (insp.states.length === 0) {
        this.finishInspection(table, id);
        return;
      }
    }
    for (let i = 0; i < insp.states.length; ) {
      const d = DISSECTORS[insp.candidates[i * CANDIDATE_WORDS]! & 0xffff]!;
      ctx.dissector = d.name;
      const start = l4 === 6 ? insp.candidates[i * CANDIDATE_WORDS + 1 + dir]! : 0;
      if (start >= len) {
        i++; // a hand-off that has no bytes of this direction yet
        continue;
      }
      let verdict: number;
      try {
        verdict = d.inspect(insp.states[i], data, off + start, len - start, ctx);
      } catch {
        // a dissector bug on hostile input must not stop the engine: drop that dissector
        this.anomalies?.add(Anomaly.dissector_error);
        verdict = Verdict.NotMine;
      }
      if (verdict === Verdict.Done) {
        // the flow is named: only dissectors handed the flow go on
        for (let j = insp.states.length - 1; j >= 0; j--) if (j === i || (insp.candidates[j * CANDIDATE_WORDS]! & HANDED_OVER) === 0) removeCandidate(insp, j);
        if (insp.states.length === 0) {
          this.finishInspection(table, id);
          return;
        }
        i = 0;
        continue;
      }
      if (verdict === Verdict.NotMine) {
        removeCandidate(insp, i);
        continue;
      }
      i++;
    }
    if (insp.states.length === 0 || insp.payloadPackets >= insp.budget) this.finishInspection(table, id);
  }

  private chooseCandidates(insp: FlowInspection, data: Uint8Array, off: number, len: number, t: number, ctx: Context): void {
    const byte = data[off]!;
    const member = this.firstByteMember[t]![byte]!;
    const tried = this.tried;
    let budget = 0;
    // the dissectors whose ports match first, then every other one the first byte allows
    budget = this.probeAll(insp, this.portHint[t]!.get(ctx.serverPort), member, data, off, len, ctx, budget);
    budget = this.probeAll(insp, this.portHint[t]!.get(ctx.clientPort), member, data, off, len, ctx, budget);
    budget = this.probeAll(insp, this.byFirstByte[t]![byte], member, data, off, len, ctx, budget);
    tried.fill(0);
    insp.budget = Math.min(Math.max(budget, insp.budget), HARD_MAX_PACKETS);
  }

  private probeAll(insp: FlowInspection, list: readonly number[] | undefined, member: Uint8Array, data: Uint8Array, off: number, len: number, ctx: Context, budget: number): number {
    if (list === undefined) return budget;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (member[i] === 0 || this.tried[i] === 1) continue;
      this.tried[i] = 1;
      const d = DISSECTORS[i]!;
      if (hasCandidate(insp, i)) continue;
      let mine: boolean;
      try {
        mine = d.probe(data, off, len, ctx);
      } catch {
        this.anomalies?.add(Anomaly.dissector_error);
        mine = false;
      }
      if (!mine) continue;
      addCandidate(insp, i, d.createState(), 0, 0, false);
      budget = Math.max(budget, d.maxPackets ?? DEFAULT_MAX_PACKETS);
    }
    return budget;
  }

  /** ctx.startDissector: adds a dissector to a flow in the middle of it */
  handOver(insp: FlowInspection, name: string): void {
    const i = DISSECTORS.findIndex((d) => d.name === name);
    if (i < 0) throw new Error(`startDissector: no dissector named '${name}'`);
    if (hasCandidate(insp, i)) return;
    const d = DISSECTORS[i]!;
    addCandidate(insp, i, d.createState(), insp.streams[0]?.len ?? 0, insp.streams[1]?.len ?? 0, true);
    insp.budget = Math.min(HARD_MAX_PACKETS, Math.max(insp.budget, insp.payloadPackets + (d.maxPackets ?? DEFAULT_MAX_PACKETS)));
  }

  private finishInspection(table: FlowTable, id: number): void {
    this.results.status[id] = DpiStatus.Done;
    this.results.dpiPackets[id] = Math.min(65535, table.packets[id * 2]! + table.packets[id * 2 + 1]!);
    this.inspections[id] = undefined;
  }

  /**
   * At the end of a flow: fills in what the packets did not say. A host name names the
   * application; otherwise the server address (DNS answers seen, provider prefixes), then the
   * port; L4-only protocols by number.
   */
  finish(table: FlowTable, id: number): void {
    const r = this.results;
    if (r.status[id] !== DpiStatus.Done) {
      r.status[id] = DpiStatus.Done;
      r.dpiPackets[id] = Math.min(65535, table.packets[id * 2]! + table.packets[id * 2 + 1]!);
      this.inspections[id] = undefined;
    }
    this.identify(table, id);
    this.flowRisks(table, id);
  }

  /** Risks any flow can have, whatever its protocol. */
  private flowRisks(table: FlowTable, id: number): void {
    const r = this.results;
    const l4 = table.keys[id * KEY_WORDS]! & 0xff;
    if ((l4 === 6 || l4 === 17) && table.packets[id * 2 + 1] === 0 && table.packets[id * 2]! > 0) {
      this.addRisk(id, 'unidirectional_traffic', 'no server to client traffic');
    }
    if (r.confidence[id] === Confidence.Dpi && r.protocol[id] !== 0) {
      const e = protocolEntry(r.protocol[id]!);
      const ports = l4 === 6 ? e.tcpPorts : l4 === 17 ? e.udpPorts : [];
      if (ports.length > 0) {
        const w = table.keys[id * KEY_WORDS + 9]!;
        const serverPort = table.clientIsA[id] === 0 ? w >>> 16 : w & 0xffff;
        const clientPort = table.clientIsA[id] === 0 ? w & 0xffff : w >>> 16;
        if (!ports.includes(serverPort) && !ports.includes(clientPort)) {
          this.addRisk(id, 'known_protocol_on_non_standard_port', `${e.name} on port ${serverPort}`);
        }
      }
    }
  }

  private addRisk(id: number, name: string, info: string): void {
    this.results.metaOf(id).addRisk(riskIndex(name), info);
  }

  private identify(table: FlowTable, id: number): void {
    const r = this.results;
    const meta = r.meta[id];
    if (r.application[id] === 0 && meta?.hostname) {
      const app = this.apps.domains.match(meta.hostname);
      if (app !== 0) {
        r.application[id] = app;
        if (r.protocol[id] !== 0) r.confidence[id] = Confidence.Dpi;
      }
    }
    // no server name asked for: the names the server's certificate is for
    if (r.application[id] === 0 && !meta?.hostname && meta?.certificateNames) {
      for (const name of meta.certificateNames) {
        const app = this.apps.domains.match(name);
        if (app === 0) continue;
        r.application[id] = app;
        if (r.protocol[id] !== 0) r.confidence[id] = Confidence.Dpi;
        break;
      }
    }
    const meta0 = table.keys[id * KEY_WORDS]!;
    const l4 = meta0 & 0xff;
    const ownerConfidence = this.addressOwner(table, id);
    if (r.protocol[id] !== 0) {
      if (r.confidence[id] === Confidence.Unknown) r.confidence[id] = Confidence.Dpi;
      // nothing in the flow named the application, but its protocol says what a flow to this
      // owner's servers is (STUN to Google: a Google Meet call)
      const owner = r.addressOwner[id]!;
      if (r.application[id] === 0 && this.socketApplications.size > 0 && this.mediaProtocols.has(r.protocol[id]!)) {
        const app = this.socketApplications.get(this.clientSocket(table, id));
        if (app !== undefined) {
          r.application[id] = app;
          r.confidence[id] = Confidence.SocketCache;
          return;
        }
      }
      if (r.application[id] === 0 && owner !== 0) {
        const app = this.byAddress.get(r.protocol[id]! * 65536 + owner);
        if (app !== undefined) {
          r.application[id] = app;
          r.confidence[id] = ownerConfidence;
        }
      }
      return;
    }
    const l4Proto = this.l4Protocols.get(l4);
    if (l4Proto !== undefined) {
      r.protocol[id] = l4Proto;
      r.confidence[id] = Confidence.Dpi;
      return;
    }
    if (r.application[id] !== 0) {
      r.confidence[id] = Confidence.Dpi;
      return;
    }
    if (r.addressOwner[id] !== 0) {
      r.application[id] = r.addressOwner[id]!;
      r.confidence[id] = ownerConfidence;
      return;
    }
    const serverIsA = table.clientIsA[id] === 0;
    const ports = table.keys[id * KEY_WORDS + 9]!;
    const serverPort = serverIsA ? ports >>> 16 : ports & 0xffff;
    const clientPort = serverIsA ? ports & 0xffff : ports >>> 16;
    const t = l4 === 6 ? 0 : l4 === 17 ? 1 : -1;
    if (t >= 0) {
      const guess = this.portGuess[t]!.get(serverPort) ?? this.portGuess[t]!.get(clientPort);
      if (guess !== undefined) {
        r.protocol[id] = guess;
        r.confidence[id] = Confidence.Port;
      }
    }
  }

  /**
   * Records whose the server's address is (a DNS answer seen earlier, else a provider's prefix)
   * and returns the confidence that name has.
   */
  private addressOwner(table: FlowTable, id: number): number {
    const r = this.results;
    const version = (table.keys[id * KEY_WORDS]! >>> 8) & 0xff;
    const serverAt = id * KEY_WORDS + (table.clientIsA[id] === 0 ? 1 : 5);
    const cached = this.dnsCache.size > 0 ? this.dnsCache.get(formatAddress(version, table.keys, serverAt)) : undefined;
    if (cached !== undefined) {
      r.addressOwner[id] = cached;
      return Confidence.DnsCache;
    }
    if (version === 4) r.addressOwner[id] = this.apps.ipv4.match(table.keys[serverAt]!);
    return Confidence.Ip;
  }

  /** flow storage is about to be reused */
  release(id: number): void {
    this.inspections[id] = undefined;
    this.results.meta[id] = undefined;
  }

  /** Forgets what earlier flows taught (DNS answers, call sockets): a new, unrelated capture follows. */
  forgetLearned(): void {
    this.dnsCache.clear();
    this.socketApplications.clear();
  }

  /** "address port" of the flow's client */
  clientSocket(table: FlowTable, id: number): string {
    const version = (table.keys[id * KEY_WORDS]! >>> 8) & 0xff;
    const clientIsA = table.clientIsA[id] !== 0;
    const ports = table.keys[id * KEY_WORDS + 9]!;
    return `${formatAddress(version, table.keys, id * KEY_WORDS + (clientIsA ? 1 : 5))} ${clientIsA ? ports >>> 16 : ports & 0xffff}`;
  }

  shareApplicationWithClientSocket(table: FlowTable, id: number): void {
    const app = this.results.application[id]!;
    if (app === 0) return;
    setBounded(this.socketApplications, this.clientSocket(table, id), app);
  }

  learnDnsAnswer(name: string, address: string): void {
    const app = this.apps.domains.match(name);
    if (app === 0) return;
    setBounded(this.dnsCache, address, app);
  }


}

/** Sets a learned name, forgetting the oldest once LEARNED_NAMES_MAX names are kept. */
function setBounded(cache: Map<string, number>, key: string, app: number): void {
  if (cache.size >= LEARNED_NAMES_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, app);
}

/** The one InspectContext, re-aimed at each packet (no allocation per packet). */
class Context implements InspectContext {
  dir: 0 | 1 = 0;
  l4 = 0;
  clientPort = 0;
  serverPort = 0;
  payloadPackets = 0;
  newData = 0;
  gap = false;
  reassembled = false;
  tsMicros = 0;
  /** the dissector being called: its fields go into its own object */
  dissector = '';
  private id = 0;
  private table: FlowTable | null = null;
  private insp: FlowInspection | null = null;

  constructor(private readonly engine: DpiEngine) {}

  bind(table: FlowTable, id: number, p: DecodedPacket, dir: 0 | 1, payloadPackets: number, newData: number, gap: boolean, insp: FlowInspection): void {
    this.id = id;
    this.insp = insp;
    this.dir = dir;
    this.l4 = p.l4Proto;
    const fromClient = dir === 0;
    this.clientPort = fromClient ? p.sport : p.dport;
    this.serverPort = fromClient ? p.dport : p.sport;
    this.payloadPackets = payloadPackets;
    this.newData = newData;
    this.gap = gap;
    this.reassembled = p.reassembled;
    this.tsMicros = p.tsMicros;
    this.table = table;
  }

  setProtocol(id: number): void {
    const r = this.engine.results;
    r.protocol[this.id] = id;
    r.confidence[this.id] = Confidence.Dpi;
  }

  setApplication(id: number): void {
    this.engine.results.application[this.id] = id;
  }

  setHostname(name: string): void {
    this.engine.results.metaOf(this.id).hostname = name.toLowerCase();
  }

  setField(name: string, value: unknown): void {
    const fields = this.engine.results.metaOf(this.id).fields;
    (fields[this.dissector] ??= {})[name] = value;
  }

  addRisk(name: string, info?: string): void {
    this.engine.results.metaOf(this.id).addRisk(riskIndex(name), info ?? '');
  }

  shareApplicationWithClientSocket(): void {
    this.engine.shareApplicationWithClientSocket(this.table!, this.id);
  }

  learnDnsAnswer(name: string, address: string): void {
    this.engine.learnDnsAnswer(name, address);
  }

  setFingerprint(kind: 'ja3' | 'ja4' | 'ja3s' | 'hassh' | 'hassh_server', value: string): void {
    const meta = this.engine.results.metaOf(this.id);
    if (kind === 'hassh_server') meta.hasshServer = value;
    else meta[kind] = value;
  }

  setAlpn(alpn: readonly string[]): void {
    this.engine.results.metaOf(this.id).alpn = alpn;
  }

  setCertificateNames(names: readonly string[]): void {
    this.engine.results.metaOf(this.id).certificateNames = names;
  }

  get currentProtocol(): number {
    return this.engine.results.protocol[this.id]!;
  }

  startDissector(name: string): void {
    if (this.insp) this.engine.handOver(this.insp, name);
  }

  private readonly ids = new Map<string, number>();
  protocolId(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = findProtocol(name);
      if (id === undefined) throw new Error(`no protocol or application named '${name}' in the catalog`);
      this.ids.set(name, id);
    }
    return id;
  }
}

export type { Dissector };
