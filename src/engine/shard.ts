// Sharding flows between workers: the main thread hashes the addresses each capture record's
// flow is keyed by (FlowAddressHasher, the same both ways) and gives the record to one worker,
// which alone decodes it; the others only count it. Both directions of a flow and every fragment
// of a datagram land in one worker.

export interface Shard {
  /** this worker's number, 0 … count-1 */
  index: number;
  count: number;
}

/** The worker of an address hash (32 bits), from its high bits. */
export function shardOf(hash: number, count: number): number {
  return Math.floor(((hash >>> 16) * count) / 65536);
}
