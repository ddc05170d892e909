import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findProtocol, protocolEntry } from '../../catalog.js';
import { dpiEngine, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// i3D has no public wire format description (see index.ts): the catalog knows the name, and
// DPI never names a flow with it.

test('i3d: the catalog has i3D under nDPI\'s name', () => {
  dpiEngine(); // loads the dissectors, which registers their protocols
  const id = findProtocol('i3D');
  assert.ok(id !== undefined);
  const e = protocolEntry(id);
  assert.equal(e.ndpi, 'i3D');
  assert.equal(e.category, 'Game');
});

test('i3d: the probe takes nothing', () => {
  const ctx = { dir: 0 as const, l4: 6, clientPort: 50000, serverPort: 50999 };
  for (const p of [utf8('GET / HTTP/1.1\r\n\r\n'), hex('16 03 01 00 2f 01 00 00 2b 03 03'), hex('00 01 02 03 04 05 06 07')]) {
    assert.equal(dissector.probe(p, 0, p.length, ctx), false);
  }
  const r = identify([{ dir: 0, payload: hex('0102030405060708090a0b0c0d0e0f10') }], { transport: 'udp', serverPort: 50999 });
  assert.ok(notByDpi(r, 'i3D'));
});
