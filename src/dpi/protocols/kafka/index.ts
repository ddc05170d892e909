import { defineDissector, type InspectContext, Transport, Verdict, type VerdictValue } from '../../api/dissector.js';

// Apache Kafka wire protocol (kafka.apache.org/protocol, "Protocol Primitive Types", "Common
// Request and Response Structure", "Headers" and "Api Keys"; header versions from KIP-482).
// Every message is an INT32 size then that many bytes. A request starts with its header:
// api_key INT16, api_version INT16, correlation_id INT32 and (header v1 and later) client_id, a
// nullable STRING (INT16 length, -1 for null) — still INT16-prefixed in the flexible header v2,
// whose tagged fields come after it. Only ControlledShutdown v0 uses header v0 (no client_id).
// A response starts with the correlation_id of the request it answers. The client always
// speaks first, but a capture may begin with a broker's answer. The client_id is not output.

const MORE = 'more' as const;

/** the broker's default socket.request.max.bytes (100 MiB): no request is larger */
const MAX_REQUEST = 104_857_600;
/** responses (Fetch) may be larger than requests; 128 MiB still bounds the first size byte */
const MAX_RESPONSE = 0x0800_0000;
/** the highest version any API reached so far is in the teens (Fetch); leave room for growth */
const MAX_API_VERSION = 20;
/** a request longer than what one segment carries is judged on its header once this much is seen */
const ENOUGH_OF_A_LARGE_REQUEST = 1024;

const API_NAMES = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata', 'ControlledShutdown',
  'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups',
  'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId',
  'OffsetForLeaderEpoch', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit',
  'DescribeAcls', 'CreateAcls', 'DeleteAcls', 'DescribeConfigs', 'AlterConfigs', 'AlterReplicaLogDirs', 'DescribeLogDirs',
  'SaslAuthenticate', 'CreatePartitions', 'CreateDelegationToken', 'RenewDelegationToken', 'ExpireDelegationToken',
  'DescribeDelegationToken', 'DeleteGroups', 'ElectLeaders', 'IncrementalAlterConfigs', 'AlterPartitionReassignments',
  'ListPartitionReassignments', 'OffsetDelete', 'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials',
  'AlterUserScramCredentials', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum', 'AlterPartition',
  'UpdateFeatures', 'Envelope', 'FetchSnapshot', 'DescribeCluster', 'DescribeProducers', 'BrokerRegistration',
  'BrokerHeartbeat', 'UnregisterBroker', 'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds',
  'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions', 'PushTelemetry',
  'AssignReplicasToDirs', 'ListClientMetricsResources', 'DescribeTopicPartitions',
];
/** keys assigned after the names above (share groups, KRaft voters, …) are accepted unnamed */
const MAX_API_KEY = 92;

const int32 = (d: Uint8Array, p: number): number => ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!);
const int16 = (d: Uint8Array, p: number): number => ((d[p]! << 24) >> 16) | d[p + 1]!;

export interface KafkaRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** the whole request is in the bytes seen */
  complete: boolean;
}

const PRODUCE = 0;
/** a legal topic name: ASCII letters, digits, '.', '_' and '-', 1 to 249 of them */
const TOPIC_CHAR = /^[A-Za-z0-9._-]$/;

/**
 * The start of a Produce request's body (v0-v8: [transactional_id NULLABLE_STRING from v3] acks
 * INT16, timeout_ms INT32, topic_data ARRAY of (name STRING, …)): acks is -1, 0 or 1, the timeout
 * not negative, at least one topic, and its name legal. Produce is api_key 0, version 0-8: the
 * first bytes of many binary protocols' headers read as that, so the header alone says little.
 */
function produceBodyFits(d: Uint8Array, p: number, end: number, version: number): boolean {
  if (version >= 9) return true; // flexible versions: tagged fields and compact strings, not read here
  if (version >= 3) {
    if (p + 2 > end) return false;
    const txn = int16(d, p);
    if (txn < -1) return false;
    p += 2 + Math.max(txn, 0);
  }
  if (p + 12 > end) return false;
  const acks = int16(d, p);
  if (acks < -1 || acks > 1 || int32(d, p + 2) < 0) return false;
  const topics = int32(d, p + 6);
  const nameLen = int16(d, p + 10);
  if (topics < 1 || nameLen < 1 || nameLen > 249 || p + 12 + nameLen > end) return false;
  for (let i = p + 12; i < p + 12 + nameLen; i++) if (!TOPIC_CHAR.test(String.fromCharCode(d[i]!))) return false;
  return true;
}

/** A request at d[off..off+len): the header, MORE when it is not all here, null when it is not one. */
export function parseKafkaRequest(d: Uint8Array, off: number, len: number): KafkaRequest | typeof MORE | null {
  if (len >= 1 && d[off]! > 0x07) return null;
  if (len < 4) return MORE;
  const size = int32(d, off);
  if (size < 8 || size > MAX_REQUEST) return null;
  if (len < 12) return len >= 6 && int16(d, off + 4) < 0 ? null : MORE;
  const apiKey = int16(d, off + 4);
  const apiVersion = int16(d, off + 6);
  const correlationId = int32(d, off + 8);
  if (apiKey < 0 || apiKey > MAX_API_KEY || apiVersion < 0 || apiVersion > MAX_API_VERSION) return null;
  let headerEnd = off + 12;
  const headerV0 = apiKey === 7 && apiVersion === 0;
  if (!headerV0) {
    if (size < 10) return null;
    if (len < 14) return MORE;
    const idLen = int16(d, off + 12);
    if (idLen < -1 || 10 + Math.max(idLen, 0) > size) return null;
    headerEnd = off + 14 + Math.max(idLen, 0);
    if (idLen > 0) {
      const seen = Math.min(headerEnd, off + len);
      // a STRING is UTF-8 text: control characters do not appear in client ids
      for (let i = off + 14; i < seen; i++) if (d[i]! < 0x20 || d[i] === 0x7f) return null;
      if (headerEnd > off + len) return MORE;
    }
  }
  const end = off + 4 + size;
  const complete = end <= off + len;
  if (apiKey === PRODUCE && complete && !produceBodyFits(d, headerEnd, end, apiVersion)) return null;
  if (complete && end + 12 <= off + len && parseKafkaRequest(d, end, off + len - end) === null) return null;
  return { apiKey, apiVersion, correlationId, complete };
}

interface State {
  /** a request seen whole or in part: its header */
  request: KafkaRequest | null;
  requestDir: 0 | 1;
  /** per direction: the correlation id of a response read there (a capture that starts with one) */
  responseCorrelation: [number | null, number | null];
  /** per direction: its bytes are not a request */
  notRequest: [boolean, boolean];
}

function nameFlow(ctx: InspectContext, r: KafkaRequest): VerdictValue {
  ctx.setProtocol(ctx.protocolId('Kafka'));
  ctx.setField('api_key', r.apiKey);
  if (r.apiKey < API_NAMES.length) ctx.setField('request', API_NAMES[r.apiKey]!);
  ctx.setField('api_version', r.apiVersion);
  return Verdict.Done;
}

export default defineDissector<State>({
  name: 'kafka',
  protocols: [{ name: 'Kafka', category: 'RPC', kind: 'protocol', tcpPorts: [9092], description: 'Apache Kafka wire protocol' }],
  transports: Transport.Tcp,
  // the INT32 size of a request or response is below 128 MiB
  firstBytes: [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07],
  // a small first request split into small segments is decided once all of it is here
  maxPackets: 12,
  fields: [
    { name: 'request', type: 'string', description: 'the API of the first request seen, e.g. ApiVersions, Metadata' },
    { name: 'api_key', type: 'int', description: 'its api_key' },
    { name: 'api_version', type: 'int', description: 'its api_version' },
  ],
  probe(d, off, len) {
    if (d[off]! > 0x07) return false;
    if (len < 4) return true;
    const size = int32(d, off);
    return size >= 4 && size <= MAX_RESPONSE;
  },
  createState() {
    return { request: null, requestDir: 0, responseCorrelation: [null, null], notRequest: [false, false] };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    const other = dir === 0 ? 1 : 0;
    if (!s.notRequest[dir]) {
      const r = parseKafkaRequest(d, off, len);
      if (r === MORE) return Verdict.Continue;
      if (r !== null) {
        if (r.complete || len >= ENOUGH_OF_A_LARGE_REQUEST) return nameFlow(ctx, r);
        s.request = r;
        s.requestDir = dir;
        return s.responseCorrelation[other] === r.correlationId ? nameFlow(ctx, r) : Verdict.Continue;
      }
      s.notRequest[dir] = true;
    }
    // not a request: then a response, which names the flow when it answers the request seen
    if (len < 8) return Verdict.Continue;
    const size = int32(d, off);
    if (size < 4 || size > MAX_RESPONSE) return Verdict.NotMine;
    const correlationId = int32(d, off + 4);
    if (s.request && s.requestDir === other && s.request.correlationId === correlationId) return nameFlow(ctx, s.request);
    s.responseCorrelation[dir] = correlationId;
    return s.notRequest[other] ? Verdict.NotMine : Verdict.Continue;
  },
});
