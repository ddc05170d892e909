import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const FDT = cat(hex(`
  10            # LCT version 1, C 0, PSI 0
  10            # S 0, O 0, H 1 (16-bit TSI and TOI)
  04            # header length: 4 words
  00            # codepoint
  00 00 00 00   # congestion control information
  00 01         # TSI
  00 00         # TOI 0: the FDT
  c0 10 00 01   # EXT_FDT: FLUTE version 1, FDT instance 1
  00 00 00 00   # FEC payload id
`), enc('<?xml version="1.0"?><FDT-Instance/>'));
const BAD = Uint8Array.from(FDT);
BAD[2] = 0x05; // header length 5 words: the extension walk does not end there

test('FLUTE: FDT packet', () => {
  const r = identify([{ dir: 0, payload: FDT }], { transport: 'udp', serverPort: 40000 });
  assert.equal(r['protocol'], 'FLUTE');
  assert.equal(r['confidence'], 'dpi');
});

test('FLUTE: inconsistent header length refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 40000 });
  assert.ok(notByDpi(r, 'FLUTE'));
  fuzz(FDT, 'udp', 40000, 0);
});
