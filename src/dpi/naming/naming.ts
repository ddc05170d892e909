import { parseIpv4, parseIpv6 } from '../../flow/address.js';
import { KEY_WORDS } from '../../flow/key.js';
import { type FlowRecordArrays } from '../../flow/table.js';
import { type ApplicationDatabase } from './applications.js';
import { allProtocols, protocolEntry, protocolId } from '../api/catalog.js';
import { registerL4Protocols } from './l4-protocols.js';
import { Confidence, type DpiResults } from '../runtime/results.js';
import { riskIndex } from '../api/risks.js';

// Naming a flow when it ends, from what its packets did not say: the host name, then what other
// flows taught (DNS answers, call sockets), the server's address, the port. This is the one part
// of identification that depends on other flows, so it is kept apart from the per-flow dissection:
// with several workers, each dissects its own flows and the main thread names them all, in
// capture order, with one set of learned names (engine/sharded.ts).

const LEARNED_NAMES_MAX = 65536;

/**
 * A learned address or socket, as a key built without formatting text: an IPv4 address is its
 * 32-bit value (a socket: value × 65536 + port), an IPv6 address its four words as 8 UTF-16 code
 * units (a socket: one more for the port).
 */
export type LearnedKey = number | string;

/** What a flow teaches about others; applied at once with one worker, carried in order with several. */
export interface CrossFlowLearner {
  /** a DNS answer: the address belongs to application `app` */
  dnsAnswer(address: LearnedKey, app: number): void;
  /** a call's media socket (the client's address and port) carries application `app` */
  socketApplication(socket: LearnedKey, app: number): void;
}

/** the key of the address at `words[offset]` (4: one word, 6: four) */
export function addressKey(version: number, words: ArrayLike<number>, offset: number): LearnedKey {
  if (version === 4) return words[offset]!;
  const a = words[offset]!;
  const b = words[offset + 1]!;
  const c = words[offset + 2]!;
  const d = words[offset + 3]!;
  return String.fromCharCode(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff, c >>> 16, c & 0xffff, d >>> 16, d & 0xffff);
}

/** the key of an address written as text (a DNS answer's), or null when it is none */
export function addressKeyOfText(text: string): LearnedKey | null {
  if (!text.includes(':')) return parseIpv4(text);
  const bytes = parseIpv6(text);
  if (bytes === null) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return addressKey(6, [v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12)], 0);
}

/** the key of the flow's client socket (address and port) */
export function clientSocketKey(t: FlowRecordArrays, id: number): LearnedKey {
  const version = (t.keys[id * KEY_WORDS]! >>> 8) & 0xff;
  const clientIsA = t.clientIsA[id] !== 0;
  const ports = t.keys[id * KEY_WORDS + 9]!;
  const port = clientIsA ? ports >>> 16 : ports & 0xffff;
  const address = addressKey(version, t.keys, id * KEY_WORDS + (clientIsA ? 1 : 5));
  return typeof address === 'number' ? address * 65536 + port : address + String.fromCharCode(port);
}

export class FlowNaming implements CrossFlowLearner {
  private readonly dnsCache = new Map<LearnedKey, number>();
  /** client socket → application, from media flows that named one (a call's ICE socket) */
  private readonly socketApplications = new Map<LearnedKey, number>();
  /** protocol id × 65536 + address owner id → application (ProtocolSpec.byAddress) */
  private readonly byAddress = new Map<number, number>();
  /** protocols that declare byAddress: real-time media, whose flows a call's socket names */
  private readonly mediaProtocols = new Set<number>();
  private readonly portGuess: Map<number, number>[] = [new Map(), new Map()];
  private readonly l4Protocols: Map<number, number>;

  constructor(private readonly apps: ApplicationDatabase) {
    this.l4Protocols = registerL4Protocols();
    for (const e of allProtocols()) {
      e.tcpPorts.forEach((port) => this.portGuess[0]!.has(port) || this.portGuess[0]!.set(port, e.id));
      e.udpPorts.forEach((port) => this.portGuess[1]!.has(port) || this.portGuess[1]!.set(port, e.id));
      for (const [owner, app] of Object.entries(e.byAddress)) {
        this.byAddress.set(e.id * 65536 + protocolId(owner), protocolId(app));
        this.mediaProtocols.add(e.id);
      }
    }
  }

  /** the application a DNS name belongs to (0: none known), worth remembering for its answers */
  applicationOfName(name: string): number {
    return this.apps.domains.match(name);
  }

  dnsAnswer(address: LearnedKey, app: number): void {
    setBounded(this.dnsCache, address, app);
  }

  socketApplication(socket: LearnedKey, app: number): void {
    setBounded(this.socketApplications, socket, app);
  }

  /** Forgets what earlier flows taught: a new, unrelated capture follows. */
  forget(): void {
    this.dnsCache.clear();
    this.socketApplications.clear();
  }

  /**
   * At the end of a flow: fills in what the packets did not say. A host name names the
   * application; otherwise the server address (DNS answers seen, provider prefixes), then the
   * port; L4-only protocols by number. Then the risks any flow can have.
   */
  name(t: FlowRecordArrays, r: DpiResults, id: number): void {
    this.identify(t, r, id);
    this.flowRisks(t, r, id);
  }

  private identify(t: FlowRecordArrays, r: DpiResults, id: number): void {
    const meta = r.meta[id];
    if (r.application[id] === 0 && meta?.hostname) {
      let app = this.apps.domains.match(meta.hostname);
      // media named for a messenger (a TURN realm of its domain) is that messenger's call service
      if (app !== 0 && this.mediaProtocols.has(r.protocol[id]!)) app = this.byAddress.get(r.protocol[id]! * 65536 + app) ?? app;
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
    const meta0 = t.keys[id * KEY_WORDS]!;
    const l4 = meta0 & 0xff;
    const ownerConfidence = this.addressOwner(t, r, id);
    if (r.protocol[id] !== 0) {
      if (r.confidence[id] === Confidence.Unknown) r.confidence[id] = Confidence.Dpi;
      // nothing in the flow named the application, but its protocol says what a flow to this
      // owner's servers is (STUN to Google: a Google Meet call)
      const owner = r.addressOwner[id]!;
      if (r.application[id] === 0 && this.socketApplications.size > 0 && this.mediaProtocols.has(r.protocol[id]!)) {
        const app = this.socketApplications.get(clientSocketKey(t, id));
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
    const serverIsA = t.clientIsA[id] === 0;
    const ports = t.keys[id * KEY_WORDS + 9]!;
    const serverPort = serverIsA ? ports >>> 16 : ports & 0xffff;
    const clientPort = serverIsA ? ports & 0xffff : ports >>> 16;
    const transport = l4 === 6 ? 0 : l4 === 17 ? 1 : -1;
    if (transport >= 0) {
      // never a guess the flow's own payload contradicts (its protocol's dissector refused it)
      const refuted = r.meta[id]?.refutedProtocols;
      let guess = this.portGuess[transport]!.get(serverPort);
      if (guess !== undefined && refuted?.includes(guess)) guess = undefined;
      guess ??= this.portGuess[transport]!.get(clientPort);
      if (guess !== undefined && refuted?.includes(guess)) guess = undefined;
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
  private addressOwner(t: FlowRecordArrays, r: DpiResults, id: number): number {
    const version = (t.keys[id * KEY_WORDS]! >>> 8) & 0xff;
    const serverAt = id * KEY_WORDS + (t.clientIsA[id] === 0 ? 1 : 5);
    const cached = this.dnsCache.size > 0 ? this.dnsCache.get(addressKey(version, t.keys, serverAt)) : undefined;
    if (cached !== undefined) {
      r.addressOwner[id] = cached;
      return Confidence.DnsCache;
    }
    if (version === 4) r.addressOwner[id] = this.apps.ipv4.match(t.keys[serverAt]!);
    return Confidence.Ip;
  }

  /** Risks any flow can have, whatever its protocol. */
  private flowRisks(t: FlowRecordArrays, r: DpiResults, id: number): void {
    const l4 = t.keys[id * KEY_WORDS]! & 0xff;
    if ((l4 === 6 || l4 === 17) && t.packets[id * 2 + 1] === 0 && t.packets[id * 2]! > 0) {
      r.metaOf(id).addRisk(riskIndex('unidirectional_traffic'), 'no server to client traffic');
    }
    if (r.confidence[id] === Confidence.Dpi && r.protocol[id] !== 0) {
      const e = protocolEntry(r.protocol[id]!);
      const ports = l4 === 6 ? e.tcpPorts : l4 === 17 ? e.udpPorts : [];
      if (ports.length > 0) {
        const w = t.keys[id * KEY_WORDS + 9]!;
        const serverPort = t.clientIsA[id] === 0 ? w >>> 16 : w & 0xffff;
        const clientPort = t.clientIsA[id] === 0 ? w & 0xffff : w >>> 16;
        if (!ports.includes(serverPort) && !ports.includes(clientPort)) {
          r.metaOf(id).addRisk(riskIndex('known_protocol_on_non_standard_port'), `${e.name} on port ${serverPort}`);
        }
      }
    }
  }
}

/** Sets a learned name, forgetting the oldest once LEARNED_NAMES_MAX names are kept. */
function setBounded(cache: Map<LearnedKey, number>, key: LearnedKey, app: number): void {
  if (cache.size >= LEARNED_NAMES_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, app);
}
