// Sharding flows between workers: every worker reads every packet (decoding is cheap next to
// dissection) and keeps the flows whose key hashes to it. The key is the same whichever way a
// packet goes, so both directions of a flow, and every fragment of a datagram once reassembled,
// land in one worker.

export interface Shard {
  /** this worker's number, 0 … count-1 */
  index: number;
  count: number;
}

/**
 * The worker of a flow key's hash. From the hash's high bits: the flow table indexes by its low
 * bits, and a shard of flows that all share their low bits would fill only part of each table.
 */
export function shardOf(hash: number, count: number): number {
  return Math.floor(((hash >>> 16) * count) / 65536);
}
