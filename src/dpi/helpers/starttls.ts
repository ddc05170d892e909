import { type InspectContext, Verdict, type VerdictValue } from '../api/dissector.js';

/**
 * The server accepted the upgrade to TLS (STARTTLS, STLS, AUTH TLS): the flow is `protocol` from
 * here on, `field` records the upgrade, and the TLS dissector reads on for the server name and
 * fingerprints. Returns the caller's verdict: it is done.
 */
export function continueInTls(ctx: InspectContext, field: string, protocol: string): VerdictValue {
  ctx.setField(field, true);
  ctx.setProtocol(ctx.protocolId(protocol));
  ctx.startDissector('tls');
  return Verdict.Done;
}
