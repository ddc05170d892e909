import { type DecodedPacket } from '../decode/packet.js';
import { AddressTable } from './address-table.js';
import { type AlertHandler, type AlertKind, type AlertRecord, isoTime } from './alert.js';
import { REFLECTOR_BY_PORT, REFLECTORS } from './reflectors.js';
import { addressHash, hll } from './sketches.js';
import { cloneThresholds, DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';

// Flood and scan detection over every IP packet, in fixed memory: per window (1 s by default),
// the heaviest destinations with their packet classes, distinct sources and ports; per scan window
// (10 s), the sources that probe most with their distinct destinations and ports. At each window's
// end the heavy entries are checked against floors that adapt to the link (EWMA of each kind's
// heaviest rate), and a per-destination CUSUM catches a sudden rise of traffic. An attack is one
// alert, opened when first seen and ended after `quietWindows` windows without it.
// Pure: capture time only, no clock, no I/O.

// destination columns
const PACKETS = 0, BYTES = 1, SYN = 2, ACK_ONLY = 3, RST = 4, UDP = 5, UDP_BYTES = 6, ICMP = 7, FRAGMENTS = 8, REFLECTED = 9, REFLECTED_BYTES = 10, SENT = 11, ICMP_BYTES = 12, TCP_BYTES = 13, FRAGMENT_BYTES = 14;
const REFLECTOR_BASE = 15;
const DST_COLUMNS = REFLECTOR_BASE + REFLECTORS.length;
// destination sketches
const DST_SOURCES = 0, DST_PORTS = 1;
const DST_P = 6;
// source (scanner) columns
const PROBES = 0, PROBE_BYTES = 1, ANSWERED = 2, TCP_PROBES = 3, UDP_PROBES = 4, ICMP_PROBES = 5, MAJORITY_PORT = 6, MAJORITY_HITS = 7;
const SRC_COLUMNS = 8;
const SRC_DESTINATIONS = 0, SRC_PORTS = 1;
const SRC_P = 7;

const TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10;
const SPIKE_ENTRIES = 1024;

const FLOOD_KINDS = ['syn_flood', 'ack_flood', 'rst_flood', 'udp_flood', 'icmp_flood', 'fragment_flood', 'amplification'] as const;
/** the counter column of each flood kind, in FLOOD_KINDS' order */
const FLOOD_COLUMN = Int32Array.from([SYN, ACK_ONLY, RST, UDP, ICMP, FRAGMENTS, REFLECTED]);
type FloodKind = (typeof FLOOD_KINDS)[number];

interface OpenAlert {
  kind: AlertKind;
  target: string;
  protocol: string;
  startTs: number;
  endTs: number;
  packets: number;
  bytes: number;
  peakPps: number;
  peakBps: number;
  /** union of the distinct-count registers seen in its windows */
  sources: Uint8Array;
  destinations: Uint8Array;
  ports: Uint8Array;
  p: number;
  topSources: string[];
  evidence: string;
  /** its first record has gone out */
  announced: boolean;
  lastWindow: number;
  /** scans: the scan window whose cumulative counts `windowPackets` holds, and the earlier windows' total */
  scanWindow: number;
  windowPackets: number;
  windowBytes: number;
}

export class DetectorStats {
  packets = 0;
  windows = 0;
  alerts = 0;
}

export class FloodScanDetector {
  readonly thresholds: Thresholds;
  readonly stats = new DetectorStats();
  private readonly windowMicros: number;
  private readonly scanMicros: number;
  private readonly dsts: AddressTable;
  private readonly srcs: AddressTable;
  private window = -1;
  private scanWindow = -1;
  private readonly baselines = new Float64Array(FLOOD_KINDS.length);
  // per window, per flood kind: the heaviest destination's rate, and whether an alert fired
  private readonly heaviest = new Float64Array(FLOOD_KINDS.length);
  private readonly fired = new Uint8Array(FLOOD_KINDS.length);
  /** the fewest probes that can reach the smaller scan threshold, for that threshold */
  private fewestProbes = 0;
  private fewestProbesFor = -1;
  private readonly open = new Map<string, OpenAlert>();
  // per-destination traffic history for the CUSUM (a sudden rise). A destination absent from a
  // window only decays (EWMA × (1 − 4α), CUSUM − slack), so its entry is brought up to date when
  // it next appears: a window costs what its destinations cost, not what the history holds.
  private readonly spikeSlots = new Map<number, number>();
  private readonly spikeHash = new Uint32Array(SPIKE_ENTRIES);
  private readonly spikeEwma = new Float64Array(SPIKE_ENTRIES);
  private readonly spikeCusum = new Float64Array(SPIKE_ENTRIES);
  /** the closed window (stats.windows) the entry's EWMA and CUSUM are as of */
  private readonly spikeUpdated = new Float64Array(SPIKE_ENTRIES);
  /** log of the EWMA decayed back to window 0: the lowest is the entry with the least traffic now */
  private readonly spikeEvictKey = new Float64Array(SPIKE_ENTRIES);
  private spikeUsed = 0;

  constructor(thresholds: Thresholds = DEFAULT_THRESHOLDS, private readonly onAlert: AlertHandler) {
    this.thresholds = cloneThresholds(thresholds);
    this.windowMicros = Math.round(thresholds.windowS * 1e6);
    this.scanMicros = Math.round(thresholds.scanWindowS * 1e6);
    this.dsts = new AddressTable(thresholds.tableSize, DST_COLUMNS, 2, DST_P);
    this.srcs = new AddressTable(thresholds.tableSize, SRC_COLUMNS, 2, SRC_P);
  }

  /** bytes of detector state: fixed at construction, whatever the traffic */
  get stateBytes(): number {
    return this.dsts.bytes + this.srcs.bytes + SPIKE_ENTRIES * (4 + 8 * 4);
  }

  /** alerts not yet ended */
  get openAlerts(): number {
    return this.open.size;
  }

  /** One decoded IP packet (fragments included: their addresses are decoded). */
  observe(p: DecodedPacket): void {
    const ts = p.tsMicros;
    const w = Math.floor(ts / this.windowMicros);
    if (w > this.window) this.advance(w, ts);
    this.stats.packets++;
    const v = p.ipVersion;
    const addr = p.addr;
    const wire = p.wireLen;
    const proto = p.l4Proto;
    const flags = p.tcpFlags;
    const dstHash = addressHash(v, addr, 4);
    const srcHash = addressHash(v, addr, 0);

    const dsts = this.dsts;
    const slot = dsts.admit(dstHash, v, addr, 4, ts);
    if (slot >= 0) {
      const c = dsts.counters;
      const b = slot * DST_COLUMNS;
      c[b + PACKETS]!++;
      c[b + BYTES] += wire;
      dsts.lastTs[slot] = ts;
      hll.add(dsts.registers, dsts.registerOffset(slot, DST_SOURCES), DST_P, srcHash);
      dsts.addPeer(slot, v, addr, 0);
      if (p.heldFragment || p.partialFragment || p.reassembled) {
        c[b + FRAGMENTS]!++;
        c[b + FRAGMENT_BYTES] += wire;
      }
      if (proto === 6 && !p.heldFragment) {
        c[b + TCP_BYTES] += wire;
        hll.add(dsts.registers, dsts.registerOffset(slot, DST_PORTS), DST_P, p.dport * 0x9e3779b1);
        if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) c[b + SYN]!++;
        else if (flags & TCP_RST) c[b + RST]!++;
        else if ((flags & (TCP_ACK | TCP_SYN | TCP_FIN)) === TCP_ACK && p.payloadLen === 0) c[b + ACK_ONLY]!++;
      } else if (proto === 17 && !p.heldFragment) {
        c[b + UDP]!++;
        c[b + UDP_BYTES] += wire;
        hll.add(dsts.registers, dsts.registerOffset(slot, DST_PORTS), DST_P, p.dport * 0x9e3779b1);
        const reflector = REFLECTOR_BY_PORT[p.sport]!;
        if (reflector !== 0 && REFLECTOR_BY_PORT[p.dport] === 0) {
          c[b + REFLECTED]!++;
          c[b + REFLECTED_BYTES] += wire;
          c[b + REFLECTOR_BASE + reflector - 1]!++;
        }
      } else if (proto === 1 || proto === 58) {
        c[b + ICMP]!++;
        c[b + ICMP_BYTES] += wire;
      }
    }
    // what the destinations of this window send back (a victim that answers is no victim of a flood)
    const sender = dsts.find(srcHash, v, addr, 0);
    if (sender >= 0) dsts.counters[sender * DST_COLUMNS + SENT]!++;

    // probes for scans: connection attempts, UDP datagrams, echo requests
    const probe =
      proto === 6 ? (flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN : proto === 17 ? !p.heldFragment : proto === 1 ? p.icmpType === 8 : proto === 58 && p.icmpType === 128;
    const srcs = this.srcs;
    if (probe) {
      const s = srcs.admit(srcHash, v, addr, 0, ts);
      if (s >= 0) {
        const c = srcs.counters;
        const b = s * SRC_COLUMNS;
        c[b + PROBES]!++;
        c[b + PROBE_BYTES] += wire;
        srcs.lastTs[s] = ts;
        if (proto === 6) c[b + TCP_PROBES]!++;
        else if (proto === 17) c[b + UDP_PROBES]!++;
        else c[b + ICMP_PROBES]!++;
        hll.add(srcs.registers, srcs.registerOffset(s, SRC_DESTINATIONS), SRC_P, dstHash);
        const port = proto === 6 || proto === 17 ? p.dport : 0;
        hll.add(srcs.registers, srcs.registerOffset(s, SRC_PORTS), SRC_P, Math.imul(port + 1, 0x9e3779b1));
        // the port most probes go to (Boyer–Moore majority vote)
        if (c[b + MAJORITY_HITS] === 0) {
          c[b + MAJORITY_PORT] = port;
          c[b + MAJORITY_HITS] = 1;
        } else if (c[b + MAJORITY_PORT] === port) c[b + MAJORITY_HITS]!++;
        else c[b + MAJORITY_HITS]!--;
        srcs.addPeer(s, v, addr, 4);
      }
    } else if (proto === 6 ? (flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK) : (proto === 1 && p.icmpType === 0) || (proto === 58 && p.icmpType === 129)) {
      // an answer to a probe: a scanner's probes mostly go unanswered
      const s = srcs.find(dstHash, v, addr, 4);
      if (s >= 0) srcs.counters[s * SRC_COLUMNS + ANSWERED]!++;
    }
    if (proto === 17) {
      // every datagram is a probe, and also an answer to its destination's
      const s = srcs.find(dstHash, v, addr, 4);
      if (s >= 0) srcs.counters[s * SRC_COLUMNS + ANSWERED]!++;
    }
  }

  /** End of a capture (or of a live run): the current window is checked and every open alert ends. */
  flush(): void {
    if (this.window >= 0) this.closeWindow(this.window);
    for (const a of this.open.values()) this.onAlert(this.record(a, false), 'end');
    this.open.clear();
    this.dsts.clear();
    this.srcs.clear();
    this.window = -1;
    this.scanWindow = -1;
  }

  /** Live capture with no packets: windows end by the clock. `nowMicros` in capture time. */
  tick(nowMicros: number): void {
    const w = Math.floor(nowMicros / this.windowMicros);
    if (this.window >= 0 && w > this.window) this.advance(w, nowMicros);
  }

  private advance(w: number, ts: number): void {
    if (this.window >= 0) this.closeWindow(this.window);
    // a gap of several windows: alerts whose attack stopped end now
    this.endQuiet(w);
    this.window = w;
    this.dsts.clear();
    const sw = Math.floor(ts / this.scanMicros);
    if (sw !== this.scanWindow) {
      this.scanWindow = sw;
      this.srcs.clear();
    }
  }

  private closeWindow(w: number): void {
    this.stats.windows++;
    this.checkFloods(w);
    this.checkScans(w);
    this.checkSpikes(w);
    this.endQuiet(w + 1);
  }

  private checkFloods(w: number): void {
    const t = this.thresholds;
    const dsts = this.dsts;
    const c = dsts.counters;
    const secs = t.windowS;
    const heaviest = this.heaviest.fill(0);
    const fired = this.fired.fill(0);
    let lowestFloor = Infinity;
    for (const kind of FLOOD_KINDS) lowestFloor = Math.min(lowestFloor, this.floorOf(kind));
    for (let s = 0; s < dsts.size; s++) {
      const b = s * DST_COLUMNS;
      const packets = c[b + PACKETS]!;
      if (packets === 0) continue;
      for (let k = 0; k < FLOOD_KINDS.length; k++) {
        const pps = c[b + FLOOD_COLUMN[k]!]! / secs;
        if (pps > heaviest[k]!) heaviest[k] = pps;
      }
      // no kind's count exceeds the packets: a destination under every floor raises nothing
      if (packets / secs < lowestFloor) continue;
      const sent = c[b + SENT]!;
      for (let k = 0; k < FLOOD_KINDS.length; k++) {
        const kind = FLOOD_KINDS[k]!;
        const col = FLOOD_COLUMN[k]!;
        const pps = c[b + col]! / secs;
        const floor = Math.max(this.floorOf(kind), t.adaptive.multiplier * this.baselines[k]!);
        if (pps < floor) continue;
        const count = c[b + col]!;
        let holds: boolean;
        switch (kind) {
          case 'syn_flood': holds = count >= t.syn_flood.share * packets; break;
          case 'rst_flood': holds = count >= t.rst_flood.share * packets; break;
          case 'fragment_flood': holds = count >= t.fragment_flood.share * packets; break;
          case 'ack_flood': holds = sent < t.ack_flood.replyRatio * count; break;
          case 'udp_flood': holds = sent < t.udp_flood.replyRatio * count && !this.amplified(s); break;
          case 'icmp_flood': holds = true; break;
          case 'amplification': holds = this.amplified(s); break;
        }
        if (!holds) continue;
        fired[k] = 1;
        const bytesCol = kind === 'udp_flood' ? UDP_BYTES : kind === 'icmp_flood' ? ICMP_BYTES : kind === 'fragment_flood' ? FRAGMENT_BYTES : kind === 'amplification' ? REFLECTED_BYTES : TCP_BYTES;
        const bytes = kind === 'syn_flood' || kind === 'ack_flood' || kind === 'rst_flood' ? c[b + TCP_BYTES]! * (count / Math.max(1, packets)) : c[b + bytesCol]!;
        const protocol = kind === 'amplification' ? this.reflectorOf(s) : kind === 'udp_flood' ? 'udp' : kind === 'icmp_flood' ? 'icmp' : kind === 'fragment_flood' ? 'ip' : 'tcp';
        const sources = dsts.registers.subarray(dsts.registerOffset(s, DST_SOURCES), dsts.registerOffset(s, DST_SOURCES) + (1 << DST_P));
        const ports = dsts.registers.subarray(dsts.registerOffset(s, DST_PORTS), dsts.registerOffset(s, DST_PORTS) + (1 << DST_P));
        const a = this.openOrGet(kind, dsts.address(s), protocol, dsts.firstTs[s]!, DST_P);
        a.endTs = Math.max(a.endTs, dsts.lastTs[s]!);
        a.packets += count;
        a.bytes += bytes;
        a.peakPps = Math.max(a.peakPps, count / secs);
        a.peakBps = Math.max(a.peakBps, (bytes * 8) / secs);
        hll.merge(a.sources, 0, sources, 0, DST_P);
        hll.merge(a.ports, 0, ports, 0, DST_P);
        a.topSources = dsts.peers(s);
        a.lastWindow = w;
        const srcCount = Math.round(hll.estimate(a.sources, 0, DST_P));
        const what = kind === 'syn_flood' ? 'SYN' : kind === 'ack_flood' ? 'bare ACK' : kind === 'rst_flood' ? 'RST' : kind === 'udp_flood' ? 'UDP' : kind === 'icmp_flood' ? 'ICMP' : kind === 'fragment_flood' ? 'fragment' : `${protocol} response`;
        a.evidence = `peak ${fmt(a.peakPps)} ${what} packets/s (${fmt(a.peakBps / 1e6, 1)} Mbit/s) to ${a.target} from ~${fmt(srcCount)} sources; ${what} ${pct(count / packets)} of its packets, it sent ${fmt(sent)} packets back in the last window`;
        this.announce(a);
      }
    }
    // the link's usual heaviest rate per kind, learnt from windows without that attack
    const alpha = t.adaptive.alpha;
    for (let k = 0; k < FLOOD_KINDS.length; k++) if (!fired[k]) this.baselines[k] = this.baselines[k]! + alpha * (heaviest[k]! - this.baselines[k]!);
  }

  private amplified(s: number): boolean {
    const t = this.thresholds.amplification;
    const c = this.dsts.counters;
    const b = s * DST_COLUMNS;
    const secs = this.thresholds.windowS;
    const reflected = c[b + REFLECTED]!;
    if (reflected / secs < t.pps || (c[b + REFLECTED_BYTES]! * 8) / secs < t.bps) return false;
    if (c[b + SENT]! >= t.replyRatio * reflected) return false;
    const off = this.dsts.registerOffset(s, DST_SOURCES);
    return hll.estimate(this.dsts.registers, off, DST_P) >= t.sources;
  }

  private reflectorOf(s: number): string {
    const c = this.dsts.counters;
    const b = s * DST_COLUMNS + REFLECTOR_BASE;
    let best = 0;
    for (let i = 1; i < REFLECTORS.length; i++) if (c[b + i]! > c[b + best]!) best = i;
    return REFLECTORS[best]!.name;
  }

  private floorOf(kind: FloodKind): number {
    return this.thresholds[kind].pps;
  }

  private checkScans(w: number): void {
    const t = this.thresholds;
    const srcs = this.srcs;
    const c = srcs.counters;
    const least = Math.min(t.horizontal_scan.destinations, t.vertical_scan.ports);
    if (least !== this.fewestProbesFor) {
      this.fewestProbesFor = least;
      this.fewestProbes = fewestItemsToReach(least, SRC_P);
    }
    const fewest = this.fewestProbes;
    for (let s = 0; s < srcs.size; s++) {
      const b = s * SRC_COLUMNS;
      const probes = c[b + PROBES]!;
      // each probe adds one destination and one port: too few probes cannot count enough of either
      if (probes === 0 || probes < fewest) continue;
      // only sources that probed in this window keep (or start) an alert
      if (srcs.lastTs[s]! < w * this.windowMicros) continue;
      const dOff = srcs.registerOffset(s, SRC_DESTINATIONS);
      const pOff = srcs.registerOffset(s, SRC_PORTS);
      const destinations = hll.estimate(srcs.registers, dOff, SRC_P);
      const ports = hll.estimate(srcs.registers, pOff, SRC_P);
      const answered = c[b + ANSWERED]! / probes;
      let kind: AlertKind | null = null;
      if (destinations >= t.horizontal_scan.destinations && ports <= t.horizontal_scan.maxPorts + 0.5 && answered < t.horizontal_scan.answered) kind = 'horizontal_scan';
      else if (ports >= t.vertical_scan.ports && destinations <= t.vertical_scan.maxDestinations + 0.5 && answered < t.vertical_scan.answered) kind = 'vertical_scan';
      if (kind === null) continue;
      // one source flooding a victim's random ports is a flood (already raised), not a scan; but
      // only while the flood goes on (this window or the last, which a flood's end may straddle):
      // a scan of that victim after it is reported without waiting for the flood alert to end
      if (kind === 'vertical_scan' && this.floodedSince(srcs.peers(s)[0], w - 1)) continue;
      const tcp = c[b + TCP_PROBES]!, udp = c[b + UDP_PROBES]!;
      const protocol = tcp >= udp && tcp >= c[b + ICMP_PROBES]! ? 'tcp' : udp >= c[b + ICMP_PROBES]! ? 'udp' : 'icmp';
      const a = this.openOrGet(kind, srcs.address(s), protocol, srcs.firstTs[s]!, SRC_P);
      if (a.scanWindow !== this.scanWindow) {
        a.packets += a.windowPackets;
        a.bytes += a.windowBytes;
        a.scanWindow = this.scanWindow;
      }
      a.windowPackets = probes;
      a.windowBytes = c[b + PROBE_BYTES]!;
      a.endTs = Math.max(a.endTs, srcs.lastTs[s]!);
      const span = Math.max(t.windowS, (srcs.lastTs[s]! - srcs.firstTs[s]!) / 1e6);
      a.peakPps = Math.max(a.peakPps, probes / span);
      a.peakBps = Math.max(a.peakBps, (c[b + PROBE_BYTES]! * 8) / span);
      hll.merge(a.destinations, 0, srcs.registers, dOff, SRC_P);
      hll.merge(a.ports, 0, srcs.registers, pOff, SRC_P);
      a.topSources = srcs.peers(s);
      a.lastWindow = w;
      const dCount = Math.round(hll.estimate(a.destinations, 0, SRC_P));
      const pCount = Math.round(hll.estimate(a.ports, 0, SRC_P));
      a.evidence =
        kind === 'horizontal_scan'
          ? `${a.target} probed ~${fmt(dCount)} addresses on ${protocol}${protocol === 'icmp' ? '' : ` port ${c[b + MAJORITY_PORT]}`}${pCount > 1 ? ` (~${pCount} ports)` : ''}; ${pct(answered)} answered`
          : `${a.target} probed ~${fmt(pCount)} ${protocol} ports on ${a.topSources[0] ?? '?'}; ${pct(answered)} answered`;
      this.announce(a);
    }
  }

  /** whether a flood alert on the victim held its condition in window `w` or after */
  private floodedSince(victim: string | undefined, w: number): boolean {
    if (victim === undefined) return false;
    for (const kind of FLOOD_KINDS) if ((this.open.get(`${kind} ${victim}`)?.lastWindow ?? -1) >= w) return true;
    return false;
  }

  private checkSpikes(w: number): void {
    const t = this.thresholds.traffic_spike;
    const secs = this.thresholds.windowS;
    const dsts = this.dsts;
    const n = this.stats.windows;
    const warm = n > t.warmupWindows;
    const decay = 1 - this.thresholds.adaptive.alpha * 4;
    const logDecay = Math.log(decay);
    const reference = t.bps / 100;
    const untracked = reference * Math.min(1, t.slack);
    for (let s = 0; s < dsts.size; s++) {
      const x = (dsts.counters[s * DST_COLUMNS + BYTES]! * 8) / secs;
      const h = dsts.hashes[s]!;
      let e = this.spikeSlots.get(h);
      if (e === undefined) {
        // below the reference rate a destination's CUSUM stays 0, and its EWMA stays under the
        // reference, as an absent history's does: it gets history once it carries more. An
        // approximation: the EWMA it would have built meanwhile (< 0.8 × reference) is not kept,
        // so a later rise is measured against 0 rather than that small baseline
        if (x < untracked) continue;
        if (this.spikeUsed < SPIKE_ENTRIES) e = this.spikeUsed++;
        else {
          // the entry with the least traffic now, among those not in this window
          e = -1;
          let lowest = Infinity;
          for (let i = 0; i < SPIKE_ENTRIES; i++) {
            if (this.spikeUpdated[i] !== n && this.spikeEvictKey[i]! < lowest) {
              lowest = this.spikeEvictKey[i]!;
              e = i;
            }
          }
          if (e < 0) continue;
          this.spikeSlots.delete(this.spikeHash[e]!);
        }
        this.spikeSlots.set(h, e);
        this.spikeHash[e] = h;
        this.spikeEwma[e] = 0;
        this.spikeCusum[e] = 0;
      } else {
        const missed = n - 1 - this.spikeUpdated[e]!;
        if (missed > 0) {
          this.spikeEwma[e] = this.spikeEwma[e]! * decay ** missed;
          this.spikeCusum[e] = Math.max(0, this.spikeCusum[e]! - missed * t.slack);
        }
      }
      const mean = this.spikeEwma[e]!;
      const cusum = Math.max(0, this.spikeCusum[e]! + x / Math.max(mean, reference) - t.slack);
      this.spikeCusum[e] = cusum;
      if (warm && x >= t.bps && cusum >= t.cusum) {
        const a = this.openOrGet('traffic_spike', dsts.address(s), 'ip', dsts.firstTs[s]!, DST_P);
        const bytes = dsts.counters[s * DST_COLUMNS + BYTES]!;
        const packets = dsts.counters[s * DST_COLUMNS + PACKETS]!;
        a.endTs = Math.max(a.endTs, dsts.lastTs[s]!);
        a.packets += packets;
        a.bytes += bytes;
        a.peakPps = Math.max(a.peakPps, packets / secs);
        a.peakBps = Math.max(a.peakBps, x);
        hll.merge(a.sources, 0, dsts.registers, dsts.registerOffset(s, DST_SOURCES), DST_P);
        hll.merge(a.ports, 0, dsts.registers, dsts.registerOffset(s, DST_PORTS), DST_P);
        a.topSources = dsts.peers(s);
        a.lastWindow = w;
        a.evidence = `traffic to ${a.target} rose to ${fmt(a.peakBps / 1e6, 1)} Mbit/s from a usual ${fmt(mean / 1e6, 2)} Mbit/s`;
        this.announce(a);
      } else {
        this.spikeEwma[e] = mean + (1 - decay) * (x - mean);
      }
      this.spikeUpdated[e] = n;
      const ewma = this.spikeEwma[e]!;
      this.spikeEvictKey[e] = ewma > 0 ? Math.log(ewma) - n * logDecay : -Infinity;
    }
  }

  private openOrGet(kind: AlertKind, target: string, protocol: string, startTs: number, p: number): OpenAlert {
    const key = `${kind} ${target}`;
    let a = this.open.get(key);
    if (a === undefined) {
      const m = 1 << Math.max(DST_P, SRC_P);
      a = {
        kind, target, protocol, startTs, endTs: startTs, packets: 0, bytes: 0, peakPps: 0, peakBps: 0,
        sources: new Uint8Array(m), destinations: new Uint8Array(m), ports: new Uint8Array(m), p, topSources: [], evidence: '', announced: false,
        lastWindow: -1, scanWindow: -1, windowPackets: 0, windowBytes: 0,
      };
      this.open.set(key, a);
    }
    return a;
  }

  /** the alert's first record goes out when it opens */
  private announce(a: OpenAlert): void {
    if (!a.announced) {
      a.announced = true;
      this.stats.alerts++;
      this.onAlert(this.record(a, true), 'start');
    }
  }

  private endQuiet(w: number): void {
    if (this.open.size === 0) return;
    const quiet = this.thresholds.quietWindows;
    for (const [key, a] of this.open) {
      if (w - a.lastWindow > quiet) {
        this.open.delete(key);
        this.onAlert(this.record(a, false), 'end');
      }
    }
  }

  private record(a: OpenAlert, ongoing: boolean): AlertRecord {
    const scan = a.kind === 'horizontal_scan' || a.kind === 'vertical_scan';
    return {
      kind: a.kind,
      target: a.target,
      protocol: a.protocol,
      start: isoTime(a.startTs),
      end: isoTime(a.endTs),
      packets: Math.round(a.packets + a.windowPackets),
      bytes: Math.round(a.bytes + a.windowBytes),
      peak_pps: Math.round(a.peakPps),
      peak_bps: Math.round(a.peakBps),
      sources: scan ? 1 : Math.round(hll.estimate(a.sources, 0, a.p)),
      destinations: scan ? Math.round(hll.estimate(a.destinations, 0, a.p)) : 1,
      ports: Math.round(hll.estimate(a.ports, 0, a.p)),
      top_sources: a.topSources,
      evidence: a.evidence,
      ongoing,
    };
  }
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * The fewest items after which a HyperLogLog of 2^p registers can estimate `count` or more: below
 * m items at least m − n registers are 0, so while α·m²/(m − n) stays under the raw estimate's
 * 2.5·m the estimate is linear counting, at most m·ln(m/(m − n)). Exact, so a check skipped below
 * it changes nothing.
 */
export function fewestItemsToReach(count: number, p: number): number {
  const m = 1 << p;
  const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  let n = 0;
  while (n < m && (alpha * m * m) / (m - n) <= 2.5 * m && m * Math.log(m / (m - n)) < count) n++;
  return n;
}
