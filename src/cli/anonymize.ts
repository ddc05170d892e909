// `sonde anonymize IN OUT --key KEYFILE [--payload drop|keep|N]`: a pcap in which every address is
// a Crypto-PAn pseudonym and, by default, no payload is left (see privacy/trace-anonymizer.ts).

import { closeSync, openSync, writeSync } from 'node:fs';
import { createCaptureParser, NotACaptureError } from '../capture/parser.js';
import { Pseudonymizer } from '../privacy/pseudonymizer.js';
import { type PayloadPolicy, TraceAnonymizer } from '../privacy/trace-anonymizer.js';
import { helpText, parseArgs, type OptionSpec, UsageError } from './args.js';
import { InputError, openInput } from './input.js';
import { readKeyFile } from './privacy.js';

const OPTIONS: OptionSpec[] = [
  { name: 'key', value: true, valueName: 'KEYFILE', help: "the pseudonymisation key (required; 'sonde keygen -o KEYFILE' makes one)" },
  { name: 'payload', value: true, valueName: 'drop|keep|N', help: 'drop every byte after the headers (default), keep the payload, or keep its first N bytes' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const USAGE = `Usage: sonde anonymize IN OUT --key KEYFILE [--payload drop|keep|N]

Writes OUT (pcap) from IN (pcap or pcapng): every IPv4 and IPv6 address, also in ARP, ICMP
errors, tunnels' inner packets and DNS answers, replaced by its Crypto-PAn pseudonym (the same as
--pseudonymize gives with that key), MAC addresses by a keyed hash, the payload dropped (length
fields keep their values, so flow sizes survive), checksums updated, timing kept.`;

const SNAPLEN = 262_144;

function payloadPolicy(v: string | true | undefined): PayloadPolicy {
  if (v === undefined) return 'drop';
  if (v === 'drop' || v === 'keep') return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number(v) <= SNAPLEN) return Number(v);
  throw new UsageError(`option '--payload' takes drop, keep or a number of bytes (0 to ${SNAPLEN}), not '${String(v)}'`);
}

export async function anonymize(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'anonymize');
  if (args.options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return 0;
  }
  if (args.positionals.length !== 2) throw new UsageError("'sonde anonymize' takes an input and an output capture: sonde anonymize IN OUT --key KEYFILE");
  const [inPath, outPath] = args.positionals as [string, string];
  const keyPath = args.options.get('key');
  if (typeof keyPath !== 'string') throw new UsageError("'sonde anonymize' needs a key: --key KEYFILE (make one with 'sonde keygen -o KEYFILE')");
  const policy = payloadPolicy(args.options.get('payload'));
  const anonymizer = new TraceAnonymizer(new Pseudonymizer(readKeyFile(keyPath)), policy);
  if (inPath === outPath) throw new UsageError('the output must be another file than the input');

  const input = openInput(inPath);
  let fd: number;
  try {
    fd = openSync(outPath, 'w');
  } catch (e) {
    throw new InputError(`cannot write '${outPath}': ${(e as Error).message}`);
  }
  let linkType = -1;
  let packets = 0;
  let mixed = 0;
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pendingBytes === 0) return;
    writeSync(fd, Buffer.concat(pending, pendingBytes));
    pending.length = 0;
    pendingBytes = 0;
  };
  const header = (link: number): Uint8Array => {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(link >>> 0, 20);
    return h;
  };
  try {
    let parser: ReturnType<typeof createCaptureParser> | null = null;
    for await (const chunk of input.chunks()) {
      if (parser === null) {
        try {
          parser = createCaptureParser(chunk, (buf, offset, capLen, wireLen, tsMicros, link) => {
            if (linkType < 0) {
              linkType = link;
              pending.push(header(link));
              pendingBytes += 24;
            } else if (link !== linkType) {
              // a pcap holds one link type: frames of another interface's are left out, and said
              mixed++;
              return;
            }
            const frame = anonymizer.frame(buf, offset, capLen, link, wireLen);
            const record = Buffer.alloc(16);
            const seconds = Math.floor(tsMicros / 1e6);
            record.writeUInt32LE(seconds, 0);
            record.writeUInt32LE(Math.round(tsMicros - seconds * 1e6), 4);
            record.writeUInt32LE(frame.length, 8);
            record.writeUInt32LE(anonymizer.malformedLength ? frame.length : wireLen, 12);
            pending.push(record, frame);
            pendingBytes += 16 + frame.length;
            packets++;
          });
        } catch (e) {
          if (e instanceof NotACaptureError) throw new InputError(`'${inPath}': ${e.message}`);
          throw e;
        }
      }
      parser.push(chunk);
      if (pendingBytes > 1 << 20) flush();
    }
    parser?.finish();
    if (linkType < 0) {
      pending.push(header(1));
      pendingBytes += 24;
    }
    flush();
    for (const w of [...(parser?.warnings ?? []), ...(parser?.errors ?? [])]) process.stderr.write(`sonde: ${inPath}: ${w}\n`);
  } finally {
    closeSync(fd);
  }
  const notes = [
    mixed > 0 ? `${mixed.toLocaleString('en-US')} frames of another link type left out (a pcap holds one)` : '',
    anonymizer.unparsed > 0 ? `${anonymizer.unparsed.toLocaleString('en-US')} frames cut after the last header sonde could follow` : '',
  ].filter((x) => x);
  if (process.stderr.isTTY) process.stderr.write(`sonde: wrote ${packets.toLocaleString('en-US')} packets to ${outPath}${notes.length ? `; ${notes.join('; ')}` : ''}\n`);
  else for (const n of notes) process.stderr.write(`sonde: ${n}\n`);
  return 0;
}
