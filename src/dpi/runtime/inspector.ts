import { Anomaly, type AnomalyCounters } from '../../decode/anomaly.js';
import { type DecodedPacket } from '../../decode/packet.js';
import { type FlowTable } from '../../flow/table.js';
import { type ApplicationDatabase } from '../naming/applications.js';
import { findProtocol } from '../api/catalog.js';
import { type Dissector, type InspectContext, type ProbeContext, Transport, Verdict } from '../api/dissector.js';
import { DISSECTOR_PROTOCOL_IDS, DISSECTORS } from './registry.js';

/** each dissector's declared field names: setField takes no other */
const DECLARED_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(DISSECTORS.map((d) => [d.name, new Set((d.fields ?? []).map((f) => f.name))]));
import { addressKeyOfText, clientSocketKey, type CrossFlowLearner, FlowNaming } from '../naming/naming.js';
import { Confidence, DpiResults, DpiStatus } from './results.js';
import { riskIndex } from '../api/risks.js';
import { TcpStream } from './stream.js';

// Runs the dissectors over the first packets of each flow. Candidates are chosen once per flow,
// from tables indexed by transport and first payload byte (not a scan of every dissector), with
// the dissectors whose default ports match tried first. A flow stops being inspected when a
// dissector decides, when every candidate gave up, or after its packet budget.

const DEFAULT_MAX_PACKETS = 8;
/** a flow is never inspected beyond this many payload packets, whatever the dissectors ask */
const HARD_MAX_PACKETS = 32;

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

/**
 * A first push gives an array room for 17 elements; a flow waiting for more payload keeps its
 * arrays for its lifetime, so once its candidates are chosen they are copied to their size
 * (memory per live flow: about 400 bytes less for a TCP flow DPI cannot name yet).
 */
function fitToSize(insp: FlowInspection): void {
  if (insp.states.length > 0) {
    insp.candidates = insp.candidates.slice();
    insp.states = insp.states.slice();
  }
  if (insp.refuted !== null) insp.refuted = insp.refuted.slice();
}

function refute(insp: FlowInspection, index: number): void {
  if (!(insp.refuted ??= []).includes(index)) insp.refuted.push(index);
}

function declaresPort(d: Dissector, l4: number, serverPort: number, clientPort: number): boolean {
  for (const p of d.protocols) {
    const ports = (l4 === 6 ? p.tcpPorts : p.udpPorts) ?? [];
    if (ports.includes(serverPort) || ports.includes(clientPort)) return true;
  }
  return false;
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
  /** the flow's first payload is where its stream starts (UDP; TCP after a SYN): a refusal then refutes a port guess */
  fromStart = false;
  /** dissector indexes of the port's protocols that refused the flow's start (null: none did) */
  refuted: number[] | null = null;
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
  private readonly ctx: Context;
  /** names flows at their end, with what flows taught each other */
  readonly naming: FlowNaming;
  /** where what a flow teaches goes: the naming, or (a worker's) a log for the main thread */
  learner: CrossFlowLearner;
  /**
   * identification as in a world of Encrypted Client Hello and encrypted DNS: no server names
   * (SNI, HTTP Host, DNS queries, certificates) reach the records or the naming, and DNS answers
   * teach nothing (analyze --hide-names; evaluate's baseline)
   */
  hideNames = false;
  /** false in a worker: the main thread names the flows (engine/sharded.ts) */
  nameAtEnd = true;
  private readonly beforeNaming = new SavedNaming();
  /** where dissector failures are counted (the engine's anomaly counters) */
  anomalies: AnomalyCounters | null = null;
  private readonly probeFacts: { dir: 0 | 1; l4: number; clientPort: number; serverPort: number } = { dir: 0, l4: 0, clientPort: 0, serverPort: 0 };
  /** how much choosing dissectors costs: flows that reached DPI, probes run, candidates kept */
  readonly probeStats = { flows: 0, probes: 0, candidates: 0 };

  constructor(apps: ApplicationDatabase) {
    this.naming = new FlowNaming(apps);
    this.learner = this.naming;
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
    if (insp.payloadPackets === 1) insp.fromStart = l4 === 17 || (this.synSeen[id]! & (1 << dir)) !== 0;
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
        const index = insp.candidates[i * CANDIDATE_WORDS]!;
        if (insp.fromStart && (index & HANDED_OVER) === 0 && declaresPort(d, l4, ctx.serverPort, ctx.clientPort)) refute(insp, index);
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
    this.probeStats.flows++;
    // the dissectors whose ports match first, then every other one the first byte allows
    // probes see a copy of the facts, not the context: they cannot name the flow
    const facts = this.probeFacts;
    facts.dir = ctx.dir;
    facts.l4 = ctx.l4;
    facts.clientPort = ctx.clientPort;
    facts.serverPort = ctx.serverPort;
    budget = this.probeAll(insp, this.portHint[t]!.get(ctx.serverPort), member, data, off, len, facts, budget, insp.fromStart);
    budget = this.probeAll(insp, this.portHint[t]!.get(ctx.clientPort), member, data, off, len, facts, budget, insp.fromStart);
    budget = this.probeAll(insp, this.byFirstByte[t]![byte], member, data, off, len, facts, budget, false);
    tried.fill(0);
    insp.budget = Math.min(Math.max(budget, insp.budget), HARD_MAX_PACKETS);
    fitToSize(insp);
  }

  /** `portsOfFlow`: the list is the dissectors of the flow's ports, and a refusal refutes their port guess */
  private probeAll(insp: FlowInspection, list: readonly number[] | undefined, member: Uint8Array, data: Uint8Array, off: number, len: number, ctx: ProbeContext, budget: number, portsOfFlow: boolean): number {
    if (list === undefined) return budget;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (this.tried[i] === 1) continue;
      if (member[i] === 0) {
        // the first byte is none this protocol can start with
        if (portsOfFlow) refute(insp, i);
        continue;
      }
      this.tried[i] = 1;
      const d = DISSECTORS[i]!;
      if (hasCandidate(insp, i)) continue;
      let mine: boolean;
      this.probeStats.probes++;
      try {
        mine = d.probe(data, off, len, ctx);
      } catch {
        this.anomalies?.add(Anomaly.dissector_error);
        mine = false;
      }
      if (!mine) {
        if (portsOfFlow) refute(insp, i);
        continue;
      }
      this.probeStats.candidates++;
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
    this.keepRefutations(id);
    this.results.status[id] = DpiStatus.Done;
    this.results.dpiPackets[id] = Math.min(65535, table.packets[id * 2]! + table.packets[id * 2 + 1]!);
    this.inspections[id] = undefined;
  }

  /**
   * At the end of a flow: its inspection stops, and (unless another thread names flows, see
   * nameAtEnd) it is named from what its packets did not say (naming.ts). A flow cut by the
   * active timeout (`continues`) is named for this record only: resume() takes the naming back,
   * so that the next record is named at its own end, as a worker's would be.
   */
  finish(table: FlowTable, id: number, continues = false): void {
    const r = this.results;
    if (r.status[id] !== DpiStatus.Done) {
      this.keepRefutations(id);
      r.status[id] = DpiStatus.Done;
      r.dpiPackets[id] = Math.min(65535, table.packets[id * 2]! + table.packets[id * 2 + 1]!);
      this.inspections[id] = undefined;
    }
    if (!this.nameAtEnd) return;
    if (continues) this.beforeNaming.save(r, id);
    this.naming.name(table, r, id);
  }

  /** An unnamed flow keeps which port guesses its payload refuted, for the naming at its end. */
  private keepRefutations(id: number): void {
    const insp = this.inspections[id];
    if (!insp?.refuted || this.results.protocol[id] !== 0) return;
    const protocols: number[] = [];
    for (const i of insp.refuted) protocols.push(...DISSECTOR_PROTOCOL_IDS[i]!);
    this.results.metaOf(id).refutedProtocols = protocols;
  }

  /** After the record of a flow cut by the active timeout was written: its live naming as before finish(). */
  resume(id: number): void {
    if (this.nameAtEnd) this.beforeNaming.restore(this.results, id);
  }

  /** flow storage is about to be reused */
  release(id: number): void {
    this.inspections[id] = undefined;
    this.results.meta[id] = undefined;
  }

  /** Forgets what earlier flows taught (DNS answers, call sockets): a new, unrelated capture follows. */
  forgetLearned(): void {
    this.naming.forget();
  }

  shareApplicationWithClientSocket(table: FlowTable, id: number): void {
    const app = this.results.application[id]!;
    if (app === 0) return;
    this.learner.socketApplication(clientSocketKey(table, id), app);
  }

  learnDnsAnswer(name: string, address: string): void {
    if (this.hideNames) return;
    const app = this.naming.applicationOfName(name);
    if (app === 0) return;
    const key = addressKeyOfText(address);
    if (key !== null) this.learner.dnsAnswer(key, app);
  }
}

/** One flow's naming before finish() named it, to take back after an active-timeout cut. */
class SavedNaming {
  private protocol = 0;
  private application = 0;
  private confidence = 0;
  private addressOwner = 0;
  private hadMeta = false;
  private risks = 0;

  save(r: DpiResults, id: number): void {
    this.protocol = r.protocol[id]!;
    this.application = r.application[id]!;
    this.confidence = r.confidence[id]!;
    this.addressOwner = r.addressOwner[id]!;
    const meta = r.meta[id];
    this.hadMeta = meta !== undefined;
    this.risks = meta?.risks?.length ?? 0;
  }

  restore(r: DpiResults, id: number): void {
    r.protocol[id] = this.protocol;
    r.application[id] = this.application;
    r.confidence[id] = this.confidence;
    r.addressOwner[id] = this.addressOwner;
    const meta = r.meta[id];
    if (!this.hadMeta) {
      r.meta[id] = undefined;
    } else if (meta?.risks) {
      if (this.risks === 0) {
        meta.risks = null;
        meta.riskInfo = null;
      } else {
        meta.risks.length = this.risks;
        meta.riskInfo!.length = this.risks;
      }
    }
  }
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
    if (this.engine.hideNames) return;
    this.engine.results.metaOf(this.id).hostname = name.toLowerCase();
  }

  setField(name: string, value: unknown): void {
    // an undeclared name would reach the JSON records but not the stores' columns
    if (DECLARED_FIELDS.get(this.dissector)?.has(name) !== true) throw new Error(`dpi/protocols/${this.dissector}: setField('${name}') is not a declared field`);
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
    if (this.engine.hideNames) return;
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
