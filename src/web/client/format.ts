// Numbers, sizes and times as the dashboard shows them.

export const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** a number in steps of 1000 with the unit of its size: 1.2 MB, 345 kB, 12k */
function scaled(n: number, units: readonly string[], gap: string): string {
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v >= 100 ? 0 : 1)}${gap}${units[i]}`;
}

export const bytes = (n: number): string => scaled(n, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], ' ');

export const compact = (n: number): string => scaled(n, ['', 'k', 'M', 'G', 'T'], '');

/** seconds since the epoch as UTC 'YYYY-MM-DD HH:MM:SS' */
export function time(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '';
  return new Date(sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

export function duration(sec: number): string {
  if (sec < 1) return `${Math.round(sec * 1000)} ms`;
  if (sec < 60) return `${sec.toFixed(1)} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
  if (sec < 86400) return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`;
  return `${Math.floor(sec / 86400)} d ${Math.round((sec % 86400) / 3600)} h`;
}

export const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** an address with its port; IPv6 in brackets */
export const endpoint = (addr: string, port: number): string => (port ? (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`) : addr);
