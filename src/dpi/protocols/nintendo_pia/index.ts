import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32be } from '../../helpers/text.js';

// Nintendo's Pia peer-to-peer game networking library (Switch / Wii U / 3DS games: Mario Kart,
// Splatoon, Animal Crossing…), over UDP, per the public Pia packet-format notes (Kinnay's
// NintendoClients wiki, "Pia Protocol"; Pretendo's Nintendo wiki): every packet starts with the
// 4-byte magic 32 AB 98 64, then one byte that is, depending on the library version, an
// "encrypted" flag (0/1 in the oldest, 1 = no / 2 = yes up to 5.10) or the 0x80 encryption bit
// with a 7-bit header version (3, 4, 5, 9 and later). The rest of the header (connection ids,
// packet id, AES-GCM nonce and tag) is at least 8 more bytes, and messages follow; all is
// encrypted or opaque, so nothing else is checked or output.

export const PIA_MAGIC = 0x32ab9864;
const MIN_LEN = 12;

/** Pia's header version / encryption byte: 0–2 (old), or a version 3–31 with the 0x80 bit */
function versionByteOk(b: number): boolean {
  if (b <= 2) return true;
  const v = b & 0x7f;
  return v >= 3 && v <= 31;
}

export function isPiaPacket(d: Uint8Array, off: number, len: number): boolean {
  return len >= MIN_LEN && u32be(d, off) === PIA_MAGIC && versionByteOk(d[off + 4]!);
}

interface State {
  packets: number;
}

export default defineDissector<State>({
  name: 'nintendo_pia',
  protocols: [{ name: 'Nintendo', category: 'Game', kind: 'application', description: "Nintendo's Pia peer-to-peer game networking (Switch, Wii U, 3DS online play)" }],
  transports: Transport.Udp,
  firstBytes: [0x32],
  maxPackets: 1,
  probe(d, off, len) {
    return isPiaPacket(d, off, len);
  },
  createState() {
    return { packets: 0 };
  },
  inspect(s, d, off, len, ctx) {
    if (!isPiaPacket(d, off, len)) return Verdict.NotMine;
    s.packets++;
    ctx.setApplication(ctx.protocolId('Nintendo'));
    return Verdict.Done;
  },
});
