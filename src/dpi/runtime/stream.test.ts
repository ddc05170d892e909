import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpStream } from './stream.js';
import { analyzeFrames } from '../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, tcp, TCP_ACK, TCP_PSH, TCP_SYN } from '../../test-support/packet-builder.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (st: TcpStream): string => new TextDecoder().decode(st.buf.subarray(0, st.len));

test('in-order segments append; a SYN fixes where the stream starts', () => {
  const s = new TcpStream();
  s.syn(999);
  assert.equal(s.add(1000, bytes('hello '), 0, 6), 6);
  assert.equal(s.add(1006, bytes('world'), 0, 5), 5);
  assert.equal(text(s), 'hello world');
});

test('retransmissions add nothing; an overlap keeps only its new tail', () => {
  const s = new TcpStream();
  s.add(1, bytes('abcdef'), 0, 6);
  assert.equal(s.add(1, bytes('abcdef'), 0, 6), 0);
  assert.equal(s.add(4, bytes('DEFghi'), 0, 6), 3);
  assert.equal(text(s), 'abcdefghi', 'bytes first seen are kept');
});

test('a segment beyond a hole waits, and is delivered when the hole fills', () => {
  const s = new TcpStream();
  s.add(100, bytes('one '), 0, 4);
  assert.equal(s.add(108, bytes('three'), 0, 5), 0);
  assert.equal(s.add(104, bytes('two '), 0, 4), 9);
  assert.equal(text(s), 'one two three');
  assert.equal(s.gap, false);
});

test('a hole that never fills is skipped and marked as a gap once too much waits', () => {
  const s = new TcpStream();
  s.add(0, bytes('a'), 0, 1);
  for (let i = 0; i < 16; i++) s.add(10 + i, bytes('x'), 0, 1);
  assert.equal(s.gap, true);
  assert.ok(s.len > 1);
});

test('the stream keeps at most its cap and then says it is full', () => {
  const s = new TcpStream(16);
  s.add(0, new Uint8Array(10), 0, 10);
  s.add(10, new Uint8Array(10), 0, 10);
  assert.equal(s.len, 16);
  assert.equal(s.full, true);
  assert.equal(s.add(20, new Uint8Array(5), 0, 5), 0);
});

test('sequence numbers wrap around 2^32', () => {
  const s = new TcpStream();
  s.add(0xfffffffe, bytes('ab'), 0, 2);
  assert.equal(s.add(0, bytes('cd'), 0, 2), 2);
  assert.equal(text(s), 'abcd');
});

test('zero-byte padding on a pure ACK does not shadow the data that follows it', () => {
  const client = '192.0.2.1';
  const server = '192.0.2.2';
  const c = (flags: number, payload: Uint8Array, seq: number): Uint8Array =>
    ethernet(0x0800, ipv4({ src: client, dst: server, proto: 6 }, tcp(40000, 2222, flags, payload, seq, 1)));
  const frames = [
    c(TCP_SYN, new Uint8Array(0), 0),
    ethernet(0x0800, ipv4({ src: server, dst: client, proto: 6 }, tcp(2222, 40000, TCP_SYN | TCP_ACK, new Uint8Array(0), 0, 1))),
    c(TCP_ACK, new Uint8Array(2), 1), // two zero bytes at sequence 1, no PSH
    c(TCP_ACK | TCP_PSH, bytes('SSH-2.0-client\r\n'), 1), // the real data, also from sequence 1
  ];
  const [r] = analyzeFrames(frames);
  assert.equal(r!['protocol'], 'SSH');
  assert.deepEqual(r!['ssh'], { client_banner: 'SSH-2.0-client' });
});
