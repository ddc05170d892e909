// Host name → application, by suffix on label boundaries ("rr3.googlevideo.com" matches
// "googlevideo.com", "notgooglevideo.com" does not). A reversed-label trie: one map step per
// label, the longest declared suffix wins. Looked up once per host name, never per packet.

interface TrieNode {
  app: number;
  children: Map<string, TrieNode> | null;
}

export class DomainMatcher {
  private readonly root: TrieNode = { app: 0, children: null };
  size = 0;

  add(domain: string, app: number): void {
    const labels = domain.toLowerCase().replace(/^\*?\./, '').split('.').filter((l) => l !== '');
    let node = this.root;
    for (let i = labels.length - 1; i >= 0; i--) {
      const label = labels[i]!;
      if (node.children === null) node.children = new Map();
      let next = node.children.get(label);
      if (!next) {
        next = { app: 0, children: null };
        node.children.set(label, next);
      }
      node = next;
    }
    if (node.app === 0) this.size++;
    node.app = app;
  }

  /** The application of the longest matching suffix, or 0. */
  match(host: string): number {
    let node = this.root;
    let best = 0;
    let end = host.length;
    // strip a trailing dot (FQDN form) and a port
    if (end > 0 && host.charCodeAt(end - 1) === 46) end--;
    for (let i = end - 1; i >= -1; i--) {
      if (i >= 0 && host.charCodeAt(i) !== 46) continue;
      const label = host.slice(i + 1, end).toLowerCase();
      end = i;
      const next = node.children?.get(label);
      if (!next) return best;
      node = next;
      if (node.app !== 0) best = node.app;
    }
    return best;
  }
}

/** IPv4 prefixes → application, for address lists of the big providers. */
export class Ipv4PrefixMatcher {
  // one sorted array per prefix length, binary searched: simple and compact
  private readonly byLength: Map<number, { nets: Uint32Array; apps: Uint16Array }> = new Map();
  private readonly pending: Map<number, [number, number][]> = new Map();
  private sealed = false;

  add(cidr: string, app: number): void {
    const [addr, lenText] = cidr.split('/') as [string, string | undefined];
    const len = lenText === undefined ? 32 : Number(lenText);
    const o = addr.split('.').map(Number);
    if (o.length !== 4 || o.some((x) => !(x >= 0 && x <= 255)) || !(len >= 0 && len <= 32)) throw new Error(`bad IPv4 prefix '${cidr}'`);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const net = ((((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!) & mask) >>> 0;
    let list = this.pending.get(len);
    if (!list) this.pending.set(len, (list = []));
    list.push([net, app]);
    this.sealed = false;
  }

  private seal(): void {
    this.byLength.clear();
    for (const [len, list] of this.pending) {
      list.sort((a, b) => a[0] - b[0]);
      this.byLength.set(len, { nets: Uint32Array.from(list.map((x) => x[0])), apps: Uint16Array.from(list.map((x) => x[1])) });
    }
    this.sealed = true;
  }

  match(address: number): number {
    if (!this.sealed) this.seal();
    for (let len = 32; len >= 0; len--) {
      const table = this.byLength.get(len);
      if (!table) continue;
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      const key = (address & mask) >>> 0;
      let lo = 0;
      let hi = table.nets.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = table.nets[mid]!;
        if (v === key) return table.apps[mid]!;
        if (v < key) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return 0;
  }
}
