import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, identify } from '../../test-support/dpi-test-kit.js';
import { ethernet, ipv4, tcp } from '../../test-support/packet-builder.js';
import { alpnExt, clientHelloBody, handshake, record } from '../../test-support/tls-hello.js';
import { DISSECTORS } from './registry.js';

// How the inspector completes identification at the end of a flow (see DpiEngine.identify).

const webexServer = '62.109.224.120'; // in Webex's published prefix 62.109.192.0/18 (data/applications.tsv)

test("a protocol without a host name: the server address's owner is reported apart, and names the application only where the protocol says so", () => {
  const hello = Uint8Array.from(record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0x1301], extensions: [alpnExt(['h2'])] }))));
  const r = identify([{ dir: 0, payload: hello }], { transport: 'tcp', serverPort: 443, server: webexServer });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['application'], null); // any service may sit behind a provider's TLS address
  assert.equal(r['address_application'], 'Webex');
  assert.equal(r['confidence'], 'dpi');
  // STUN declares its call services by address owner (ProtocolSpec.byAddress): a Webex relay
  const binding = Uint8Array.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, ...new Array<number>(12).fill(1)]);
  const call = identify([{ dir: 0, payload: binding }], { transport: 'udp', serverPort: 3478, server: webexServer });
  assert.equal(call['protocol'], 'STUN');
  assert.equal(call['application'], 'Webex');
  assert.equal(call['confidence'], 'ip');
});

test('a protocol that is the service itself keeps its own name whatever the address', () => {
  const r = identify([{ dir: 1, payload: 'SSH-2.0-x\r\n' }, { dir: 0, payload: 'SSH-2.0-y\r\n' }], { transport: 'tcp', serverPort: 22, server: webexServer });
  assert.equal(r['protocol'], 'SSH');
  assert.equal(r['application'], null);
  assert.equal(r['confidence'], 'dpi');
});

test('an unknown protocol to a known address: application by address; else the port guess', () => {
  const r = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 4444, server: webexServer });
  assert.equal(r['protocol'], null);
  assert.equal(r['application'], 'Webex');
  assert.equal(r['confidence'], 'ip');
  const guess = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22, server: '192.0.2.200', handshake: false });
  assert.equal(guess['protocol'], 'SSH');
  assert.equal(guess['confidence'], 'port');
});

test('no port guess where the payload contradicts it: the start of a stream, or a datagram, that the port\'s dissector refuses', () => {
  // TCP 8080 (HTTP_Proxy's port) carrying a speed test's text commands from the connection's start
  const text = identify([{ dir: 0, payload: 'HI\n' }, { dir: 1, payload: 'HELLO 2.9 (2.9.0) 2022-01-01\n' }], { transport: 'tcp', serverPort: 8080 });
  assert.equal(text['protocol'], null);
  assert.equal(text['confidence'], 'unknown');
  // the same bytes seen midway through a connection (no SYN): the port still guesses
  const midway = identify([{ dir: 0, payload: 'HI\n' }], { transport: 'tcp', serverPort: 8080, handshake: false });
  assert.equal(midway['protocol'], 'HTTP_Proxy');
  assert.equal(midway['confidence'], 'port');
  // UDP 443 with a datagram that is no QUIC packet: not guessed QUIC
  const udp = identify([{ dir: 0, payload: 'not quic at all' }], { transport: 'udp', serverPort: 443 });
  assert.equal(udp['protocol'], null);
  // a handshake without payload contradicts nothing: the port guesses
  const empty = identify([], { transport: 'tcp', serverPort: 445 });
  assert.equal(empty['protocol'], 'SMBv2');
  assert.equal(empty['confidence'], 'port');
});

test('a handshake without payload keeps no inspection, yet its SYN places out-of-order first segments', () => {
  const c = { src: '10.1.1.1', dst: '10.2.2.2', proto: 6 };
  const s = { src: '10.2.2.2', dst: '10.1.1.1', proto: 6 };
  const request = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: syn.example\r\n\r\n');
  const frames = [
    ethernet(0x0800, ipv4(c, tcp(40000, 80, 0x02, new Uint8Array(0), 5000))),
    ethernet(0x0800, ipv4(s, tcp(80, 40000, 0x12, new Uint8Array(0), 9000, 5001))),
    // the request's second half first: only the SYN says where the stream starts
    ethernet(0x0800, ipv4(c, tcp(40000, 80, 0x18, request.subarray(10), 5001 + 10, 9001))),
    ethernet(0x0800, ipv4(c, tcp(40000, 80, 0x18, request.subarray(0, 10), 5001, 9001))),
  ];
  const [r] = analyzeFrames(frames);
  assert.equal(r!['protocol'], 'HTTP');
  assert.equal(r!['hostname'], 'syn.example');
});

test('a probe is given the direction and the ports, and nothing it could name the flow with', () => {
  const ssh = DISSECTORS.find((d) => d.name === 'ssh')!;
  const probe = ssh.probe;
  const given: string[][] = [];
  ssh.probe = (data, off, len, ctx) => {
    given.push(Object.keys(ctx).sort());
    return probe.call(ssh, data, off, len, ctx);
  };
  try {
    const r = identify([{ dir: 1, payload: 'SSH-2.0-x\r\n' }, { dir: 0, payload: 'SSH-2.0-y\r\n' }], { transport: 'tcp', serverPort: 22 });
    assert.equal(r['protocol'], 'SSH');
  } finally {
    ssh.probe = probe;
  }
  assert.deepEqual(given, [['clientPort', 'dir', 'l4', 'serverPort']]);
});

test('setField refuses a name its dissector did not declare: the dissector is dropped and counted, the field never output', () => {
  const ssh = DISSECTORS.find((d) => d.name === 'ssh')!;
  const inspect = ssh.inspect;
  ssh.inspect = (state, data, off, len, ctx) => {
    ctx.setField('undeclared_thing', 1);
    return inspect.call(ssh, state, data, off, len, ctx);
  };
  try {
    assert.throws(() => identify([{ dir: 1, payload: 'SSH-2.0-x\r\n' }], { transport: 'tcp', serverPort: 22 }), /a dissector threw/);
  } finally {
    ssh.inspect = inspect;
  }
  assert.equal(identify([{ dir: 1, payload: 'SSH-2.0-x\r\n' }], { transport: 'tcp', serverPort: 22 })['protocol'], 'SSH');
});
