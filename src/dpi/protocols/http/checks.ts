// Risk heuristics over the request line and headers. Simple, documented patterns: each list says
// what it looks for. The query string is examined here but never stored.

/**
 * User agents of scanners, exploit tools and bare HTTP libraries (lower case, matched as a prefix of
 * the product token or anywhere for the scanners that hide in a browser-like string).
 */
const TOOL_PREFIXES = ['curl/', 'wget/', 'python-requests/', 'python-urllib/', 'python/', 'go-http-client/', 'libwww-perl/', 'lwp-', 'java/', 'masscan/', 'zgrab/', 'nmap', 'powershell/', 'wpscan', 'gobuster/', 'dirbuster', 'nuclei', 'hydra'];
const TOOL_ANYWHERE = ['nikto', 'sqlmap', 'nessus', 'openvas', 'acunetix', 'netsparker', 'nmap scripting engine', 'zmeu', 'morfeus'];

/**
 * Why a User-Agent looks suspicious, or null. A user agent is a list of product tokens
 * "name/version" and comments (RFC 9110 §10.1.5): flagged are a missing or empty value, a bare
 * word of letters (no version, no comment: random strings used by malware, "test"), a shell
 * function definition (CVE-2014-6271), and the tools above.
 */
export function suspiciousUserAgent(ua: string | undefined): string | null {
  if (ua === undefined) return 'no User-Agent';
  const v = ua.trim();
  if (v === '') return 'empty User-Agent';
  if (v.startsWith('() {')) return 'shell function in User-Agent';
  const l = v.toLowerCase();
  for (const t of TOOL_PREFIXES) if (l.startsWith(t)) return `tool User-Agent: ${v.slice(0, 64)}`;
  for (const t of TOOL_ANYWHERE) if (l.includes(t)) return `scanner User-Agent: ${v.slice(0, 64)}`;
  if (/^[A-Za-z]+$/.test(v)) return `User-Agent is a bare word: ${v.slice(0, 64)}`;
  return null;
}

/** Percent-decodes (twice, for double encoding) and folds '+' to space; never throws. */
export function decodeUrl(s: string): string {
  let out = s.replace(/\+/g, ' ');
  for (let k = 0; k < 2; k++) {
    const next = out.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

// SQL injection: SQL keywords in combinations that do not occur in ordinary URLs, tautologies
// and comment terminators after a quote.
const SQLI = [
  /\bunion\b[\s\S]{0,20}\bselect\b/i,
  /\bselect\s+[\s\S]{1,100}?\s+from\s+\w/i,
  /\b(insert\s+into|delete\s+from|drop\s+table|update\s+\w+\s+set)\b/i,
  /['"]\s*(or|and)\s*['"]?\w*['"]?\s*(=|like)\s*['"]?\w*/i,
  /\b(or|and)\s+\d+\s*=\s*\d+/i,
  /['"]\s*(--|#|\/\*|;)/,
  /\b(sleep|benchmark|pg_sleep|waitfor\s+delay|extractvalue|updatexml)\s*\(/i,
  /\binformation_schema\b/i,
];

// Cross-site scripting: markup or script URLs in the URL.
const XSS = [/<\s*\/?\s*(script|iframe|img|svg|object|embed|body)\b/i, /javascript\s*:/i, /\bon(error|load|mouseover|focus|click)\s*=/i, /\balert\s*\(/i, /document\.(cookie|location)/i];

// Remote code execution: shell commands and interpreters, command substitution, template and
// JNDI lookups, path traversal to system files.
const RCE = [
  /(;|\||`|\$\(|&&)\s*(cat|ls|id|uname|whoami|wget|curl|nc|bash|sh|echo|ping|rm|chmod|perl|python)\b/i,
  /\/bin\/(ba)?sh\b/i,
  /\bcmd(\.exe)?\s*\/c\b/i,
  /\b(cmd|powershell)\.exe\b/i,
  /\$\{\s*jndi\s*:/i,
  /\$\{[^}]*(runtime|exec|getRuntime)/i,
  /\b(system|exec|passthru|shell_exec|popen|proc_open|eval|assert)\s*\(/i,
  /(\.\.\/){2,}/,
  /\/etc\/(passwd|shadow|hosts)\b/i,
  /\bwin\.ini\b/i,
  /\(\)\s*\{\s*:;\s*\}\s*;/,
];

export interface UrlRisks {
  sqli: boolean;
  xss: boolean;
  rce: boolean;
}

/** Looks for injection patterns in a request target (path and query, percent-decoded). */
export function urlRisks(target: string): UrlRisks {
  const t = decodeUrl(target.length > 4096 ? target.slice(0, 4096) : target);
  return { sqli: SQLI.some((r) => r.test(t)), xss: XSS.some((r) => r.test(t)), rce: RCE.some((r) => r.test(t)) };
}

/** File name endings of executables and installers (Windows, Android, macOS, Linux packages, Java). */
const BINARY_EXTENSIONS = ['.exe', '.msi', '.dll', '.scr', '.bat', '.cmd', '.ps1', '.vbs', '.apk', '.dex', '.dmg', '.pkg', '.deb', '.rpm', '.jar', '.elf'];

/** Does a path (no query) name an executable? */
export function binaryPath(path: string): string | null {
  const l = path.toLowerCase();
  for (const e of BINARY_EXTENSIONS) if (l.endsWith(e)) return e;
  return null;
}

/** Media types of executables and installers. */
const BINARY_TYPES = [
  'application/x-msdownload', 'application/x-dosexec', 'application/x-msdos-program', 'application/x-ms-installer', 'application/x-msi',
  'application/x-executable', 'application/x-elf', 'application/x-sharedlib', 'application/vnd.microsoft.portable-executable',
  'application/vnd.android.package-archive', 'application/java-archive', 'application/x-java-archive', 'application/x-apple-diskimage',
  'application/x-debian-package', 'application/x-rpm', 'application/x-sh',
];

/** Is a Content-Type (parameters allowed) the type of an executable? */
export function binaryContentType(ct: string): boolean {
  const t = mediaType(ct);
  return BINARY_TYPES.includes(t);
}

/** the media type of a Content-Type value: lower case, without parameters */
export function mediaType(ct: string): string {
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}
