// What DPI found out about each flow, indexed by flow id like the flow table: numeric verdicts
// in typed arrays, and a small object only for flows that have names and fields to report.

export const Confidence = { Unknown: 0, Port: 1, Ip: 2, DnsCache: 3, SocketCache: 4, Dpi: 5, Statistical: 6 } as const;
export const CONFIDENCE_NAMES = ['unknown', 'port', 'ip', 'dns-cache', 'socket-cache', 'dpi', 'statistical'] as const;

export const DpiStatus = { Fresh: 0, Inspecting: 1, Done: 2 } as const;

export class FlowMeta {
  hostname: string | null = null;
  ja3: string | null = null;
  ja4: string | null = null;
  ja3s: string | null = null;
  hassh: string | null = null;
  hasshServer: string | null = null;
  alpn: readonly string[] | null = null;
  /** names of the server certificate (SAN, else subject CN) */
  certificateNames: readonly string[] | null = null;
  /** risk indexes (see risks.ts) with their explanations; null until the first (most flows have none) */
  risks: number[] | null = null;
  riskInfo: string[] | null = null;
  /** protocols whose dissector refused the flow's start: no port guess names it one of them */
  refutedProtocols: number[] | null = null;
  /** what the statistical stage predicted (classify/stage.ts), when it was confident */
  statistical: { label: string; probability: number } | null = null;
  /** per dissector: its declared fields */
  fields: Record<string, Record<string, unknown>> = {};

  /** Flags risk `index` (once) with its explanation. */
  addRisk(index: number, info: string): void {
    if (this.risks?.includes(index)) return;
    (this.risks ??= []).push(index);
    (this.riskInfo ??= []).push(info);
  }
}

export class DpiResults {
  protocol = new Uint16Array(0);
  application = new Uint16Array(0);
  confidence = new Uint8Array(0);
  /** whose the server's address is (provider prefixes, DNS answers seen), whatever named the flow */
  addressOwner = new Uint16Array(0);
  dpiPackets = new Uint16Array(0);
  status = new Uint8Array(0);
  meta: (FlowMeta | undefined)[] = [];

  ensure(capacity: number): void {
    if (this.protocol.length >= capacity) return;
    const grow = <T extends Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const n = make(capacity);
      n.set(a);
      return n;
    };
    this.protocol = grow(this.protocol, (n) => new Uint16Array(n));
    this.application = grow(this.application, (n) => new Uint16Array(n));
    this.confidence = grow(this.confidence, (n) => new Uint8Array(n));
    this.addressOwner = grow(this.addressOwner, (n) => new Uint16Array(n));
    this.dpiPackets = grow(this.dpiPackets, (n) => new Uint16Array(n));
    this.status = grow(this.status, (n) => new Uint8Array(n));
  }

  reset(id: number): void {
    this.protocol[id] = 0;
    this.application[id] = 0;
    this.confidence[id] = 0;
    this.addressOwner[id] = 0;
    this.dpiPackets[id] = 0;
    this.status[id] = DpiStatus.Fresh;
    this.meta[id] = undefined;
  }

  /** Takes flow `id` of another results table in as flow `at`; the meta object is shared, not copied. */
  copyFlow(from: DpiResults, id: number, at: number): void {
    this.protocol[at] = from.protocol[id]!;
    this.application[at] = from.application[id]!;
    this.confidence[at] = from.confidence[id]!;
    this.addressOwner[at] = from.addressOwner[id]!;
    this.dpiPackets[at] = from.dpiPackets[id]!;
    this.status[at] = from.status[id]!;
    this.meta[at] = from.meta[id];
  }

  /** the typed arrays' buffers, to move with postMessage */
  buffers(): ArrayBuffer[] {
    return [this.protocol, this.application, this.confidence, this.addressOwner, this.dpiPackets, this.status].map((a) => a.buffer as ArrayBuffer);
  }

  metaOf(id: number): FlowMeta {
    let m = this.meta[id];
    if (!m) this.meta[id] = m = new FlowMeta();
    return m;
  }
}
