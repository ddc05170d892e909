import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { u32le } from '../../helpers/text.js';

// GE Ethernet Global Data (EGD), the producer/consumer exchange of GE Fanuc / GE Intelligent
// Platforms PLCs and drives, UDP 18246 (0x4746). A producer sends a snapshot of part of its
// memory (an "exchange") to consumers at a fixed period, unacknowledged. Written from the public
// descriptions of the data production PDU: the field list of Wireshark's display filter reference
// (egd.*) and the PDU tables of the ProSoft MVI69-EGD manual (EGD reference chapter), checked
// against tshark's decoding of packets built here. All fields are little endian:
//   0  PDU type     u8   13 (0x0D): data production
//   1  PDU version  u8   1
//   2  request id   u16  incremented by the producer with each production of the exchange
//   4  producer id  u32  the producer's id (by convention its IP address)
//   8  exchange id  u32
//  12  timestamp    u32 seconds + u32 nanoseconds (below 10^9) of the snapshot
//  20  status       u32  an EGD status code (GE's table: 0 no new status, 1 no error, 2 data
//                        consumed, 3 SNTP error, 4 specification error, 6 refresh error,
//                        7 refresh period exceeded, 10 IP layer not initialised, 12 lack of
//                        resource, 16 name resolution in progress, 18 loss of Ethernet interface)
//  24  config signature u32
//  28  reserved     u32  0
//  32  the exchange's data, 1 to 1400 bytes
// The command PDUs of UDP 7937 (retrieve configuration, summary, capabilities, statistics…) are
// not recognised here. On port 18246 one production names the flow; elsewhere a second one of
// the same producer and exchange, with the next request ids, must follow.

const PORT = 18246;
const HEADER = 32;
const MAX_DATA = 1400;
const PDU_DATA_PRODUCTION = 0x0d;
const PDU_VERSION = 0x01;

const STATUSES: ReadonlyMap<number, string> = new Map([
  [0, 'no_new_status'],
  [1, 'no_error'],
  [2, 'data_consumed'],
  [3, 'sntp_error'],
  [4, 'specification_error'],
  [6, 'data_refresh_error'],
  [7, 'refresh_period_exceeded'],
  [10, 'ip_layer_not_initialized'],
  [12, 'lack_of_resource'],
  [16, 'name_resolution_in_progress'],
  [18, 'loss_of_ethernet_interface'],
]);

export interface Production {
  requestId: number;
  producer: number;
  exchange: number;
  status: number;
}

/** the data production PDU filling the whole datagram, or null when it breaks the format */
export function parseProduction(d: Uint8Array, off: number, len: number): Production | null {
  if (len <= HEADER || len > HEADER + MAX_DATA) return null;
  if (d[off] !== PDU_DATA_PRODUCTION || d[off + 1] !== PDU_VERSION) return null;
  if (u32le(d, off + 16) >= 1_000_000_000) return null;
  const status = u32le(d, off + 20);
  if (!STATUSES.has(status)) return null;
  if (u32le(d, off + 28) !== 0) return null;
  return { requestId: d[off + 2]! | (d[off + 3]! << 8), producer: u32le(d, off + 4), exchange: u32le(d, off + 8), status };
}

interface State {
  first: Production | null;
}

export default defineDissector<State>({
  name: 'egd',
  protocols: [{ name: 'EGD', ndpi: 'EthernetGlobalData', category: 'IoT-Scada', kind: 'protocol', udpPorts: [PORT], description: 'GE Ethernet Global Data (PLC producer/consumer exchanges)' }],
  transports: Transport.Udp,
  firstBytes: [PDU_DATA_PRODUCTION],
  maxPackets: 4,
  fields: [
    { name: 'exchange_id', type: 'int', description: 'the exchange id of the first data production' },
    { name: 'status', type: 'string', description: "the EGD status of the first production: 'no_error', 'no_new_status', 'data_refresh_error', …" },
  ],
  probe(d, off, len) {
    return len > HEADER && d[off] === PDU_DATA_PRODUCTION && d[off + 1] === PDU_VERSION;
  },
  createState() {
    return { first: null };
  },
  inspect(s, d, off, len, ctx) {
    const p = parseProduction(d, off, len);
    if (p === null) return Verdict.NotMine;
    const onPort = ctx.serverPort === PORT || ctx.clientPort === PORT;
    if (!onPort) {
      if (s.first === null) {
        s.first = p;
        return Verdict.Continue;
      }
      // the same exchange again, produced once or a few times later (a lost datagram is no failure)
      const step = (p.requestId - s.first.requestId) & 0xffff;
      if (p.producer !== s.first.producer || p.exchange !== s.first.exchange || step === 0 || step > 4) return Verdict.NotMine;
    }
    const first = s.first ?? p;
    ctx.setProtocol(ctx.protocolId('EGD'));
    ctx.setField('exchange_id', first.exchange);
    ctx.setField('status', STATUSES.get(first.status)!);
    return Verdict.Done;
  },
});
