// Malformed input is data, never an exception: every problem the decoders or the flow tracker
// meet has a stable numeric id and a Zeek-"weird"-style name, and is counted.

export const Anomaly = {
  truncated_link_header: 0,
  unknown_link_type: 1,
  truncated_vlan: 2,
  truncated_mpls: 3,
  truncated_pppoe: 4,
  truncated_ipv4: 5,
  bad_ipv4_version: 6,
  bad_ipv4_header_length: 7,
  ip_length_exceeds_capture: 8,
  truncated_ipv6: 9,
  bad_ipv6_version: 10,
  truncated_ipv6_extension: 11,
  truncated_tcp: 12,
  bad_tcp_header_length: 13,
  truncated_udp: 14,
  bad_udp_length: 15,
  truncated_icmp: 16,
  truncated_sctp: 17,
  tunnel_too_deep: 18,
  fragment_overlap: 19,
  fragment_timeout: 20,
  fragment_table_full: 21,
  fragment_too_large: 22,
  truncated_sll: 23,
  flow_table_full: 24,
  truncated_80211: 25,
  bad_pcapng_block: 26,
  unknown_interface: 27,
  truncated_ppp: 28,
  truncated_radiotap: 29,
  truncated_ppi: 30,
  truncated_llc: 31,
  truncated_gre: 32,
  unsupported_gre_version: 33,
  truncated_erspan: 34,
  truncated_vxlan: 35,
  truncated_geneve: 36,
  truncated_gtp: 37,
  truncated_capwap: 38,
  truncated_teredo: 39,
  truncated_cisco_hdlc: 40,
  unknown_bsd_address_family: 41,
  bad_pppoe_header: 42,
  dissector_error: 43,
  capture_record_corrupt: 44,
} as const;

export type AnomalyName = keyof typeof Anomaly;
export type AnomalyId = (typeof Anomaly)[AnomalyName];

export const ANOMALY_NAMES: readonly AnomalyName[] = (() => {
  const names: AnomalyName[] = [];
  for (const [name, id] of Object.entries(Anomaly)) names[id] = name as AnomalyName;
  return names;
})();

export const ANOMALY_COUNT = ANOMALY_NAMES.length;
// flows keep the anomalies they raised in a 64-bit set (FlowTable.anomalyBits)
if (ANOMALY_COUNT > 64) throw new Error('more than 64 anomaly names: widen FlowTable.anomalyBits');

/** Counts per anomaly id; one instance per engine. */
export class AnomalyCounters {
  readonly counts = new Float64Array(ANOMALY_COUNT);

  add(id: number): void {
    this.counts[id]!++;
  }

  /** Non-zero counters by name, for summaries and logs. */
  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < ANOMALY_COUNT; i++) if (this.counts[i]! > 0) out[ANOMALY_NAMES[i]!] = this.counts[i]!;
    return out;
  }

  merge(other: AnomalyCounters): void {
    for (let i = 0; i < ANOMALY_COUNT; i++) this.counts[i]! += other.counts[i]!;
  }
}
