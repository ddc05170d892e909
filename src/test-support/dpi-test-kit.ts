import assert from 'node:assert/strict';
import { createDpiEngine, type DpiEngine } from '../dpi/index.js';
import { Engine } from '../engine/engine.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { concat, ethernet, ipv4, ipv6, tcp, TCP_ACK, TCP_PSH, TCP_SYN, udp } from './packet-builder.js';
import { mutate, seededRandom } from './prng.js';
import { Anomaly } from '../decode/anomaly.js';
import type { Dissector } from '../dpi/api/dissector.js';
import { findProtocol, protocolEntry } from '../dpi/api/catalog.js';

// For dissector tests: a conversation of payloads, turned into real frames (TCP with a handshake
// and sequence numbers, or UDP datagrams) and run through the whole engine with DPI. Returns the
// flow records, so tests assert what users will see.

export interface Exchange {
  /** 0 client → server, 1 server → client */
  dir: 0 | 1;
  payload: Uint8Array | string;
}

export interface ConversationOptions {
  transport: 'tcp' | 'udp';
  clientPort?: number;
  serverPort: number;
  client?: string;
  server?: string;
  /** TCP only: begin with SYN / SYN-ACK / ACK (default true) */
  handshake?: boolean;
}

let shared: DpiEngine | null = null;
export function dpiEngine(): DpiEngine {
  return (shared ??= createDpiEngine());
}

export function conversationFrames(exchanges: readonly Exchange[], o: ConversationOptions): Uint8Array[] {
  const client = o.client ?? '192.0.2.10';
  const server = o.server ?? '198.51.100.20';
  const cport = o.clientPort ?? 50000;
  const v6 = client.includes(':');
  const ip = (fromClient: boolean, proto: number, payload: Uint8Array): Uint8Array =>
    v6
      ? ethernet(0x86dd, ipv6({ src: fromClient ? client : server, dst: fromClient ? server : client, next: proto }, payload))
      : ethernet(0x0800, ipv4({ src: fromClient ? client : server, dst: fromClient ? server : client, proto }, payload));
  const bytes = (p: Uint8Array | string): Uint8Array => (typeof p === 'string' ? new TextEncoder().encode(p) : p);
  const frames: Uint8Array[] = [];
  if (o.transport === 'udp') {
    for (const e of exchanges) {
      const fromClient = e.dir === 0;
      frames.push(ip(fromClient, 17, udp(fromClient ? cport : o.serverPort, fromClient ? o.serverPort : cport, bytes(e.payload))));
    }
    return frames;
  }
  let cseq = 1000;
  let sseq = 5000;
  if (o.handshake !== false) {
    frames.push(ip(true, 6, tcp(cport, o.serverPort, TCP_SYN, undefined, cseq - 1)));
    frames.push(ip(false, 6, tcp(o.serverPort, cport, TCP_SYN | TCP_ACK, undefined, sseq - 1, cseq)));
    frames.push(ip(true, 6, tcp(cport, o.serverPort, TCP_ACK, undefined, cseq, sseq)));
  }
  for (const e of exchanges) {
    const data = bytes(e.payload);
    if (e.dir === 0) {
      frames.push(ip(true, 6, tcp(cport, o.serverPort, TCP_PSH | TCP_ACK, data, cseq, sseq)));
      cseq += data.length;
    } else {
      frames.push(ip(false, 6, tcp(o.serverPort, cport, TCP_PSH | TCP_ACK, data, sseq, cseq)));
      sseq += data.length;
    }
  }
  return frames;
}

/** Runs frames through the engine with DPI; returns the flow records. */
export function analyzeFrames(frames: readonly Uint8Array[], dpi: DpiEngine = dpiEngine()): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  dpi.forgetLearned(); // each call is a capture of its own
  const view: FlowView = { table: null as never, id: 0, capture: 'test', endReason: 'end', dpi: dpi.results };
  const engine = new Engine({ idleTimeoutS: 0, activeTimeoutS: 0, maxFlows: 1000, dpi }, (table, id, endReason) => {
    view.table = table;
    view.id = id;
    view.endReason = endReason;
    records.push(flowRecord(view));
  });
  frames.forEach((f, i) => engine.onPacket(f, 0, f.length, f.length, 1_700_000_000_000_000 + i * 1000, 1));
  engine.flush();
  // the engine survives a dissector that throws (it counts dissector_error and drops it); a
  // test must not: every dissector test and fuzz loop run through here fails on it
  const failed = engine.anomalies.counts[Anomaly.dissector_error]!;
  if (failed > 0) throw new Error(`a dissector threw on ${failed} packet(s) of this conversation`);
  return records;
}

/** One conversation → its flow record. */
export function identify(exchanges: readonly Exchange[], o: ConversationOptions): Record<string, unknown> {
  const records = analyzeFrames(conversationFrames(exchanges, o));
  if (records.length !== 1) throw new Error(`expected one flow, got ${records.length}`);
  return records[0]!;
}

// Helpers shared by the dissector tests (src/dpi/protocols/*/*.test.ts).

/**
 * Annotated hex → bytes: '#' starts a comment to the end of the line, whitespace is ignored,
 * digits are read in pairs (a trailing odd digit is dropped). No pairs → empty.
 */
export const hexBytes = (s: string): Uint8Array => Uint8Array.from((s.replace(/#.*$/gm, '').replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));

/** A string as UTF-8 bytes. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Concatenation of byte arrays. */
export const concatBytes: (...parts: Uint8Array[]) => Uint8Array = concat;

/**
 * Seeded mutations of a first payload never throw and always give a flow record with a confidence.
 * The seed is derived from the payload length and port, so each call replays the same inputs.
 */
export const fuzzFirstPayload = (seed: Uint8Array, transport: 'tcp' | 'udp', serverPort: number, dir: 0 | 1 = 0, n = 150): void => {
  const rnd = seededRandom(seed.length * 7919 + serverPort);
  for (let i = 0; i < n; i++) {
    const m = mutate(seed, rnd);
    if (m.length === 0) continue;
    const r = identify([{ dir, payload: m }], { transport, serverPort });
    assert.ok(typeof r['confidence'] === 'string');
  }
};

/** The flow was not named `name` by DPI (a port guess may still name it). */
export const notByDpi = (r: Record<string, unknown>, name: string): boolean => !(r['protocol'] === name && r['confidence'] === 'dpi');

/** A catalog-only entry (dissector.ts catalogOnly): the catalog has nDPI's name, and no payload is named with it. */
export function assertCatalogOnly(d: Dissector<unknown>, name: string, category: string, port: number): void {
  dpiEngine(); // loads the dissectors, which registers their protocols
  const id = findProtocol(name);
  assert.ok(id !== undefined, `${name} is in the catalog`);
  const e = protocolEntry(id);
  assert.equal(e.ndpi, name);
  assert.equal(e.category, category);
  assert.deepEqual(d.firstBytes, [], 'never probed');
  for (const transport of ['tcp', 'udp'] as const) {
    for (const p of [utf8('GET / HTTP/1.1\r\n\r\n'), hexBytes('16 03 01 00 2f 01 00 00 2b 03 03'), hexBytes('0102030405060708090a0b0c0d0e0f10')]) {
      assert.ok(notByDpi(identify([{ dir: 0, payload: p }], { transport, serverPort: port }), name));
    }
  }
}
