import { defineDissector, Transport, Verdict } from '../../api/dissector.js';
import { latin1 } from '../../helpers/text.js';
import { continueInTls } from '../../helpers/starttls.js';

// XMPP core, RFC 6120: §4.2-4.3 (each side opens its stream with an optional XML declaration and
// a <stream:stream> start tag, the receiving entity then sends <stream:features>), §4.7 (stream
// attributes: version "1.0"; RFC 3920-era peers may leave it out), §4.8 (the content namespace
// 'jabber:client' or 'jabber:server' as the default namespace, the streams namespace
// 'http://etherx.jabber.org/streams' bound to the stream prefix), §5.4 (STARTTLS: <starttls/> in
// the features, the client's <starttls/>, the server's <proceed/> or <failure/>), §11.1 (no
// comments, processing instructions or DTDs in a stream). Client-to-server on 5222 and
// server-to-server on 5269 open the same way. Both stream headers have the same shape and a
// capture may begin with either, so each direction is read alone. Only whether TLS was offered
// (and taken) is output: never the 'to'/'from' addresses (JIDs) or any stanza.

interface State {
  /** per direction: where the stream header ends (-1: not read yet) */
  headerEnd: [number, number];
  /** per direction: the prefix bound to the streams namespace (usually "stream") */
  prefix: [string, string];
  named: boolean;
  /** where the server's <features/> element ends (-1: not read yet) */
  featuresEnd: number;
}

const STREAMS_NS = 'http://etherx.jabber.org/streams';
const CONTENT_NS = ['jabber:client', 'jabber:server'];
const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
// a stream header with its XML declaration: a few hundred bytes in practice
const MAX_HEADER = 4096;
const MAX_FEATURES = 8192;

type Parsed<T> = T | 'incomplete' | 'bad';

const XML_DECL = /^<\?xml\s+version\s*=\s*(['"])1\.\d+\1(?:\s+encoding\s*=\s*(['"])[A-Za-z][\w.-]*\2)?(?:\s+standalone\s*=\s*(['"])(?:yes|no)\3)?\s*\?>/;
const NAME = '[A-Za-z_][\\w.-]*';
const STREAM_OPEN = new RegExp(`^<(${NAME}):stream(?=[\\s>/])`);
const ATTRIBUTE = new RegExp(`\\s+(${NAME}(?::${NAME})?)\\s*=\\s*(?:'([^'<]*)'|"([^"<]*)")`, 'y');
const TAG_CLOSE = /\s*(\/?)>/y;
const NAME_START = /[A-Za-z_]/;
// <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/> or with a <required/> child
const STARTTLS_FEATURE = /<starttls\s+xmlns\s*=\s*(['"])urn:ietf:params:xml:ns:xmpp-tls\1\s*\/?>/;

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function skipSpace(t: string, i: number): number {
  while (isSpace(t[i])) i++;
  return i;
}

/** End (exclusive) of the tag starting at t[i] ('<'), honouring quoted attribute values; -1 if not there yet */
function tagEnd(t: string, i: number): number {
  let quote = '';
  for (let j = i + 1; j < t.length; j++) {
    const c = t[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '>') return j + 1;
    else if (c === '<') return -2;
  }
  return -1;
}

/** The attributes of the start tag `tag` after its name (ending at `from`), or null when malformed or repeated */
function attributes(tag: string, from: number): Map<string, string> | null {
  const out = new Map<string, string>();
  let i = from;
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const m = ATTRIBUTE.exec(tag);
    if (!m) break;
    if (out.has(m[1]!)) return null; // XML forbids a repeated attribute
    out.set(m[1]!, m[2] ?? m[3]!);
    i = ATTRIBUTE.lastIndex;
  }
  TAG_CLOSE.lastIndex = i;
  const close = TAG_CLOSE.exec(tag);
  if (!close || TAG_CLOSE.lastIndex !== tag.length) return null;
  out.set('/', close[1]!);
  return out;
}

/** The stream header at the start of `t`: where it ends and its stream prefix */
function parseStreamHeader(t: string, complete: boolean): Parsed<{ end: number; prefix: string }> {
  const more = complete ? 'bad' : 'incomplete';
  let i = skipSpace(t, 0);
  if (i >= t.length) return more;
  if (t.startsWith('<?', i)) {
    const close = t.indexOf('?>', i);
    if (close < 0) return '<?xml '.startsWith(t.slice(i, i + 6)) || t.startsWith('<?xml', i) ? more : 'bad';
    const decl = XML_DECL.exec(t.slice(i, close + 2));
    if (!decl) return 'bad';
    i = skipSpace(t, close + 2);
    if (i >= t.length) return more;
  }
  if (t[i] !== '<') return 'bad';
  const end = tagEnd(t, i);
  if (end === -2) return 'bad';
  if (end < 0) {
    // the name must already look like "<prefix:stream" as far as it goes
    const partial = t.slice(i, i + 80);
    if (partial.length > 1 && !NAME_START.test(partial[1]!)) return 'bad';
    const sp = partial.search(/[\s/]/);
    if (sp > 0 && !STREAM_OPEN.test(partial.slice(0, sp + 1))) return 'bad';
    return more;
  }
  const tag = t.slice(i, end);
  const open = STREAM_OPEN.exec(tag);
  if (!open) return 'bad';
  const prefix = open[1]!;
  const attrs = attributes(tag, open[0].length);
  // a stream is one element that stays open: never <stream:stream/>
  if (attrs === null || attrs.get('/') === '/') return 'bad';
  if (attrs.get(`xmlns:${prefix}`) !== STREAMS_NS) return 'bad';
  if (!CONTENT_NS.includes(attrs.get('xmlns') ?? '')) return 'bad';
  const version = attrs.get('version');
  if (version !== undefined && !/^\d{1,3}\.\d{1,3}$/.test(version)) return 'bad';
  return { end, prefix };
}

/**
 * The element that follows the server's header: what it is (features, with or without STARTTLS,
 * or anything else) and where it ends.
 */
function parseFeatures(t: string, from: number, prefix: string, complete: boolean): Parsed<{ end: number; starttls: boolean | null }> {
  const more = complete ? 'bad' : 'incomplete';
  const i = skipSpace(t, from);
  if (i >= t.length) return more;
  const open = `<${prefix}:features`;
  if (!t.startsWith(open, i)) {
    if (open.startsWith(t.slice(i))) return more;
    // <stream:error/> or a pre-1.0 server that sends no features
    return { end: i, starttls: null };
  }
  const end = tagEnd(t, i);
  if (end < 0) return end === -2 ? 'bad' : more;
  if (t[end - 2] === '/') return { end, starttls: false };
  const closeTag = `</${prefix}:features>`;
  const close = t.indexOf(closeTag, end);
  if (close < 0) return more;
  return { end: close + closeTag.length, starttls: STARTTLS_FEATURE.test(t.slice(end, close)) };
}

/** The server's answer to the client's <starttls/>: proceed, failure, or something else */
function parseTlsAnswer(t: string, from: number, complete: boolean): Parsed<'proceed' | 'failure' | 'other'> {
  const i = skipSpace(t, from);
  if (i >= t.length) return complete ? 'bad' : 'incomplete';
  const end = tagEnd(t, i);
  if (end < 0) return end === -2 || complete ? 'other' : 'incomplete';
  const m = /^<(proceed|failure)\s+xmlns\s*=\s*(['"])([^'"]*)\2\s*\/?>$/.exec(t.slice(i, end));
  return m && m[3] === TLS_NS ? (m[1] as 'proceed' | 'failure') : 'other';
}

export default defineDissector<State>({
  name: 'xmpp',
  protocols: [{ name: 'XMPP', ndpi: 'Jabber', category: 'Chat', kind: 'protocol', tcpPorts: [5222, 5269], description: 'Extensible Messaging and Presence Protocol (Jabber)' }],
  transports: Transport.Tcp,
  // XML may put white space before the first element when there is no XML declaration
  firstBytes: [0x3c, 0x20, 0x09, 0x0d, 0x0a],
  maxPackets: 10,
  zeekTlsUpgrade: 'starttls',
  fields: [
    { name: 'starttls_offered', type: 'bool', description: "the server's stream features offered STARTTLS" },
    { name: 'starttls', type: 'bool', description: 'the stream was upgraded to TLS with STARTTLS' },
  ],
  probe(d, off, len) {
    let i = off;
    const end = off + Math.min(len, 16);
    while (i < end && (d[i] === 0x20 || d[i] === 0x09 || d[i] === 0x0d || d[i] === 0x0a)) i++;
    if (i === end) return len < 16;
    if (d[i] !== 0x3c) return false;
    if (i + 1 === end) return true;
    const c = d[i + 1]!;
    // "<?xml" or an element name
    return c === 0x3f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  },
  createState() {
    return { headerEnd: [-1, -1], prefix: ['', ''], named: false, featuresEnd: -1 };
  },
  inspect(s, d, off, len, ctx) {
    const dir = ctx.dir;
    const limit = Math.min(len, MAX_HEADER + MAX_FEATURES);
    const t = latin1(d, off, off + limit);
    const complete = limit < len;
    if (s.headerEnd[dir] < 0) {
      const header = parseStreamHeader(t.slice(0, MAX_HEADER), len >= MAX_HEADER);
      if (header === 'incomplete') return Verdict.Continue;
      if (header === 'bad') return s.named ? Verdict.Done : Verdict.NotMine;
      s.headerEnd[dir] = header.end;
      s.prefix[dir] = header.prefix;
      if (!s.named) {
        s.named = true;
        ctx.setProtocol(ctx.protocolId('XMPP'));
      }
    }
    // the client's side says nothing more that is output; the server's features and its answer
    // to <starttls/> do
    if (dir === 0) return Verdict.Continue;
    if (s.featuresEnd < 0) {
      const features = parseFeatures(t, s.headerEnd[1], s.prefix[1], complete);
      if (features === 'incomplete') return Verdict.Continue;
      if (features === 'bad' || features.starttls === null) return Verdict.Done;
      ctx.setField('starttls_offered', features.starttls);
      if (!features.starttls) return Verdict.Done;
      s.featuresEnd = features.end;
    }
    const answer = parseTlsAnswer(t, s.featuresEnd, complete);
    if (answer === 'incomplete') return Verdict.Continue;
    if (answer === 'proceed') return continueInTls(ctx, 'starttls', 'XMPP');
    return Verdict.Done;
  },
});
