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
  truncated_tunnel: 18,
  tunnel_too_deep: 19,
  fragment_overlap: 20,
  fragment_timeout: 21,
  fragment_table_full: 22,
  fragment_too_large: 23,
  truncated_sll: 24,
  truncated_capture_record: 25,
  flow_table_full: 26,
  truncated_80211: 27,
  snaplen_truncated_payload: 28,
  bad_pcapng_block: 29,
  unknown_interface: 30,
  truncated_ppp: 31,
  truncated_radiotap: 32,
  truncated_ppi: 33,
  truncated_llc: 34,
  truncated_gre: 35,
  unsupported_gre_version: 36,
  truncated_erspan: 37,
  truncated_vxlan: 38,
  truncated_geneve: 39,
  truncated_gtp: 40,
  unsupported_gtp_version: 41,
  truncated_capwap: 42,
  truncated_teredo: 43,
  truncated_cisco_hdlc: 44,
  unknown_bsd_address_family: 45,
  truncated_pcap_header: 46,
  capture_record_too_large: 47,
  bad_pppoe_header: 48,
  dissector_error: 49,
} as const;

export type AnomalyName = keyof typeof Anomaly;
export type AnomalyId = (typeof Anomaly)[AnomalyName];

export const ANOMALY_NAMES: readonly AnomalyName[] = (() => {
  const names: AnomalyName[] = [];
  for (const [name, id] of Object.entries(Anomaly)) names[id] = name as AnomalyName;
  return names;
})();

export const ANOMALY_COUNT = ANOMALY_NAMES.length;

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
