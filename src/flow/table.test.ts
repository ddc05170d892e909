import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { FragmentReassembler } from '../decode/fragments.js';
import { DecodedPacket } from '../decode/packet.js';
import { FlowKeyBuilder, hashKey, KEY_WORDS } from './key.js';
import { type FlowRecordArrays, FlowTable } from './table.js';
import { FLOW_FIELDS, type FlowView } from './schema.js';
import { FlowSnapshot } from './snapshot.js';
import { connState } from './tcp-state.js';

function packet(src: number, sport: number, dst: number, dport: number, proto = 6, flags = 0, payload = 0, ts = 0, wire = 60): DecodedPacket {
  const anomalies = new AnomalyCounters();
  const p = new DecodedPacket(anomalies, new FragmentReassembler(anomalies));
  p.reset(new Uint8Array(0), 0, 0, wire, ts, 1);
  p.ipVersion = 4;
  p.addr[0] = src;
  p.addr[4] = dst;
  p.sport = sport;
  p.dport = dport;
  p.l4Proto = proto;
  p.tcpFlags = flags;
  p.payloadLen = payload;
  return p;
}

const A = 0x0a000001; // 10.0.0.1
const B = 0x0a000002; // 10.0.0.2

const fieldValue = (v: FlowView, name: string): unknown => FLOW_FIELDS.find((f) => f.name === name)!.get(v);

test('a flow and its reverse build the same key and hash', () => {
  const kb = new FlowKeyBuilder();
  kb.build(packet(A, 1234, B, 80));
  const forward = Array.from(kb.key);
  const h = kb.hash;
  assert.equal(kb.aIsSource, true);
  kb.build(packet(B, 80, A, 1234));
  assert.deepEqual(Array.from(kb.key), forward);
  assert.equal(kb.hash, h);
  assert.equal(kb.aIsSource, false);
  assert.equal(hashKey(kb.key), h);
});

test('VLAN, protocol and ports are part of the key', () => {
  const kb = new FlowKeyBuilder();
  kb.build(packet(A, 1234, B, 80));
  const base = kb.hash;
  const p = packet(A, 1234, B, 80);
  p.vlan = 7;
  kb.build(p);
  assert.notEqual(kb.hash, base);
  kb.build(packet(A, 1234, B, 80, 17));
  assert.notEqual(kb.hash, base);
  kb.build(packet(A, 1235, B, 80));
  assert.notEqual(kb.hash, base);
});

test('counts both directions of a TCP handshake into one flow, client = SYN sender', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  const steps: [number, number, number, number, number, number][] = [
    // src, sport, dst, dport, flags, payload
    [A, 40000, B, 443, 0x02, 0],
    [B, 443, A, 40000, 0x12, 0],
    [A, 40000, B, 443, 0x10, 0],
    [A, 40000, B, 443, 0x18, 100],
    [B, 443, A, 40000, 0x18, 1000],
    [A, 40000, B, 443, 0x11, 0],
    [B, 443, A, 40000, 0x11, 0],
  ];
  let id = -1;
  steps.forEach(([s, sp, d, dp, flags, payload], i) => {
    const p = packet(s, sp, d, dp, 6, flags, payload, 1_000_000 + i * 1000, 60 + payload);
    kb.build(p);
    id = t.lookupOrCreate(kb, p.tsMicros, p.tsMicros);
    assert.equal(t.created, i === 0);
    t.update(id, p, kb.aIsSource, p.tsMicros);
  });
  assert.equal(t.live, 1);
  assert.equal(t.packets[id * 2], 4);
  assert.equal(t.packets[id * 2 + 1], 3);
  assert.equal(t.bytes[id * 2], 60 * 4 + 100);
  assert.equal(t.bytes[id * 2 + 1], 60 * 3 + 1000);
  assert.equal(t.payloadBytes[id * 2], 100);
  assert.equal(t.clientIsA[id], 1);
  assert.equal(connState(true, t.tcpEvents[id * 2]!, t.tcpEvents[id * 2 + 1]!, t.packets[id * 2 + 1]!), 'SF');
  const history = String.fromCharCode(...t.history.subarray(id * 16, id * 16 + t.historyLen[id]!));
  assert.equal(history, 'ShADdFf');
  assert.equal(t.earlyCount[id], 7);
  assert.deepEqual(Array.from(t.earlyDir.subarray(id * 16, id * 16 + 7)), [0, 1, 0, 0, 1, 0, 1]);
  assert.equal(t.earlyIat[id * 16 + 1], 1000);
  // inter-arrival per direction: client packets at 0, 2, 3, 5 ms
  assert.equal(t.iatMin[id * 2], 1000);
  assert.equal(t.iatMax[id * 2], 2000);
});

test('the receiver of a SYN-ACK seen first is the client', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  const p = packet(B, 443, A, 40000, 6, 0x12);
  kb.build(p);
  const id = t.lookupOrCreate(kb, 0, 0);
  t.update(id, p, kb.aIsSource, p.tsMicros);
  // client is A (10.0.0.1), so the SYN-ACK went server → client
  assert.equal(t.packets[id * 2 + 1], 1);
  assert.equal(t.packets[id * 2], 0);
});

test('a SYN from the side first taken for the server flips the flow', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  const mid = packet(B, 80, A, 5555, 6, 0x10, 10);
  kb.build(mid);
  const id = t.lookupOrCreate(kb, 0, 0);
  t.update(id, mid, kb.aIsSource, mid.tsMicros);
  const syn = packet(A, 5555, B, 80, 6, 0x02);
  kb.build(syn);
  assert.equal(t.lookupOrCreate(kb, 1, 1), id);
  t.update(id, syn, kb.aIsSource, syn.tsMicros);
  // now A is the client: the SYN is client → server, the earlier data packet server → client
  assert.equal(t.packets[id * 2], 1);
  assert.equal(t.packets[id * 2 + 1], 1);
  assert.equal(t.payloadBytes[id * 2 + 1], 10);
});

test('remove keeps every other flow findable (backward-shift deletion under collisions)', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) {
    kb.build(packet(A + i, 1000 + (i % 7), B, 53, 17));
    ids.push(t.lookupOrCreate(kb, i, i));
  }
  assert.equal(t.live, 5000);
  for (let i = 0; i < 5000; i += 3) t.remove(ids[i]!);
  for (let i = 0; i < 5000; i++) {
    kb.build(packet(A + i, 1000 + (i % 7), B, 53, 17));
    const id = t.lookupOrCreate(kb, i, i);
    if (i % 3 === 0) {
      assert.equal(t.created, true, `flow ${i} was removed and must be new`);
    } else {
      assert.equal(t.created, false, `flow ${i} must still be found`);
      assert.equal(id, ids[i]);
    }
  }
  // the key words of a live flow are the ones it was created with
  kb.build(packet(A + 1, 1001, B, 53, 17));
  const id = t.lookupOrCreate(kb, 0, 0);
  assert.deepEqual(Array.from(t.keys.subarray(id * KEY_WORDS, id * KEY_WORDS + KEY_WORDS)), Array.from(kb.key));
});

test('the LRU list orders flows by last packet, the age list by start', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  const mk = (i: number, ts: number): number => {
    const p = packet(A + i, 1, B, 2, 17, 0, 0, ts);
    kb.build(p);
    const id = t.lookupOrCreate(kb, ts, ts);
    t.update(id, p, kb.aIsSource, p.tsMicros);
    return id;
  };
  const first = mk(1, 10);
  const second = mk(2, 20);
  assert.equal(t.lruHead, first);
  mk(1, 30); // touch the first flow again
  assert.equal(t.lruHead, second);
  assert.equal(t.ageHead, first);
});

test('early values: sizes in 16 bits and gaps in whole microseconds in 32, wider ones (and their copies) exact beside them, cleared with the flow', () => {
  const t = new FlowTable(16);
  const kb = new FlowKeyBuilder();
  // gaps 0, +1.4 µs (rounds to 1), +40 min 0.123 ms, -36 min (a capture out of time order), +2 ms
  const times = [1e12, 1e12 + 1.4, 1e12 + 2_400_000_123 + 1.4, 1e12 + 2_400_000_123 + 1.4 - 2_160_000_000, 1e12 + 2_400_000_123 + 1.4 - 2_160_000_000 + 2000];
  const sizes = [10, 65_534, 65_535, 70_000, 0];
  let id = -1;
  times.forEach((ts, i) => {
    const p = packet(A, 1234, B, 9999, 17, 0, sizes[i], ts);
    kb.build(p);
    id = t.lookupOrCreate(kb, ts, ts);
    t.update(id, p, kb.aIsSource, p.tsMicros);
  });
  const view = (table: FlowRecordArrays, at: number): FlowView => ({ table, id: at, capture: '', endReason: 'end', dpi: null });
  const gaps = [0, 0.001, 2_400_000.123, -2_160_000, 2];
  assert.deepEqual(fieldValue(view(t, id), 'early_iats_ms'), gaps);
  assert.deepEqual(fieldValue(view(t, id), 'early_sizes'), sizes);
  assert.equal(t.earlyWide.size, 4);
  // a snapshot of the ended flow carries the wide values with it
  const snap = new FlowSnapshot(4);
  snap.add(new FlowSnapshot(1).arrays, 0);
  const at = snap.add(t, id);
  assert.deepEqual(fieldValue(view(snap.arrays, at), 'early_iats_ms'), gaps);
  assert.deepEqual(fieldValue(view(snap.arrays, at), 'early_sizes'), sizes);
  // the slot's next flow starts without them
  t.remove(id);
  assert.equal(t.earlyWide.size, 4, 'kept until the slot is reused');
  const p = packet(A, 1, B, 2, 17, 0, 10, 2e12);
  kb.build(p);
  const next = t.lookupOrCreate(kb, 2e12, 2e12);
  t.update(next, p, kb.aIsSource, p.tsMicros);
  assert.equal(next, id);
  assert.equal(t.earlyWide.size, 0);
  assert.deepEqual(fieldValue(view(t, next), 'early_iats_ms'), [0]);
  assert.deepEqual(fieldValue(view(t, next), 'early_sizes'), [10]);
});
