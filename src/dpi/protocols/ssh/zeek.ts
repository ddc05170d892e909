import { col, str, unset, type ZeekColumn, type ZeekColumnContext, type ZeekLogDeclaration } from '../../api/zeek-log.js';

// ssh.log: Zeek 6's fields from the ssh object of a record, then the hassh package's and sonde's.


/** SSH-2.0-… and SSH-1.99-… (a server speaking both) are version 2 */
function sshVersion(c: ZeekColumnContext): number | null {
  const banners = [str(c.p, 'server_banner'), str(c.p, 'client_banner')].filter((b): b is string => b !== null);
  const versions = banners.map((b) => /^SSH-(\d+)\.(\d+)-/.exec(b)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[1] === '1' && m[2] === '99' ? 2 : Number(m[1])));
  return versions.length > 0 ? Math.min(...versions) : null;
}

const SSH_COLUMNS: readonly ZeekColumn[] = [
  col('version', 'count', sshVersion),
  col('auth_success', 'bool', unset),
  col('auth_attempts', 'count', unset),
  col('direction', 'enum', unset),
  col('client', 'string', (c) => str(c.p, 'client_banner')),
  col('server', 'string', (c) => str(c.p, 'server_banner')),
  col('cipher_alg', 'string', unset),
  col('mac_alg', 'string', unset),
  col('compression_alg', 'string', unset),
  col('kex_alg', 'string', unset),
  col('host_key_alg', 'string', unset),
  col('host_key', 'string', unset),
  // the hassh package's names for the same values
  col('hassh', 'string', (c) => str(c.r, 'hassh')),
  col('hasshServer', 'string', (c) => str(c.r, 'hassh_server')),
  col('sshka', 'string', (c) => str(c.p, 'server_host_key')),
  col('sonde_client_kex', 'string', (c) => str(c.p, 'client_kex')),
];

export const SSH_ZEEK_LOG: ZeekLogDeclaration = { log: 'ssh', objects: ['ssh'], columns: SSH_COLUMNS };
