import { request } from 'node:http';

// ClickHouse's HTTP interface, the one part both 18.16 and current servers speak the same way: the
// query in the `query` parameter (or the body), data in the body, an exception as the text of a
// non-200 answer. Node's own http module, so a failed connection reports its error code, which
// tells whether a request can have reached the server.

export class ClickHouseError extends Error {
  override readonly name = 'ClickHouseError';
  constructor(
    message: string,
    /** false only when the request cannot have reached the server (connection refused) */
    readonly mayHaveReached: boolean,
    /** the server answered, with an error about the request (not a connection that failed) */
    readonly answered = false,
  ) {
    super(message);
  }
}

/** errors that happen before a byte of the request is sent */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Longest server message kept: a message stays one readable line. */
const MESSAGE_LENGTH = 300;

/**
 * The first line of an exception text (ClickHouse appends a stack trace on later lines); for an
 * answer that is not ClickHouse's (a proxy's HTML page), the HTTP status as well.
 */
export function serverMessage(status: number, statusText: string, body: string): string {
  const first = body.trim().split('\n', 1)[0]!.trim().slice(0, MESSAGE_LENGTH);
  if (/^Code: \d+/.test(first)) return first;
  return `HTTP ${status} ${statusText}${first ? `: ${first}` : ''}`;
}

export interface ClickHouseRequest {
  /** settings and `query`/`query_id`, as URL parameters */
  params: Record<string, string>;
  /** the query (when not in params) or the rows to insert */
  body: string;
  timeoutMs: number;
}

/** POSTs to the server; resolves with the answer's text, rejects with a one-line ClickHouseError. */
export function clickHouseRequest(server: URL, r: ClickHouseRequest): Promise<string> {
  const url = new URL(server.href);
  for (const [k, v] of Object.entries(r.params)) url.searchParams.set(k, v);
  const auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  return new Promise((resolve, reject) => {
    // a new connection per request: a kept-alive socket the server has meanwhile closed (restart,
    // its keep-alive timeout) would fail after the request was written, a needless "maybe sent"
    const req = request(
      { host: url.hostname, port: url.port || 8123, path: url.pathname + url.search, method: 'POST', agent: false, auth, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new ClickHouseError(`answer cut short: ${e.message}`, true)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else reject(new ClickHouseError(serverMessage(res.statusCode ?? 0, res.statusMessage ?? '', text), true, true));
        });
      },
    );
    req.setTimeout(r.timeoutMs, () => req.destroy(new ClickHouseError(`no answer within ${r.timeoutMs} ms`, true)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof ClickHouseError) reject(e);
      else reject(new ClickHouseError(e.message || e.code || 'connection error', !NOT_SENT.has(e.code ?? '')));
    });
    req.end(r.body);
  });
}
