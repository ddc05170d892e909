// Zeek's log encodings, independent of what goes into the logs: the ASCII writer's TSV (header
// lines, '-' for unset, '(empty)' for empty containers and strings, \xNN escapes) and its JSON
// variant (LogAscii::use_json: one object per line, unset fields left out).

import { type ZeekField, type ZeekScalar, type ZeekType, type ZeekValue } from '../../dpi/api/zeek-log.js';

export type { ZeekField, ZeekScalar, ZeekType, ZeekValue };

export const SEPARATOR = '\t';
export const SET_SEPARATOR = ',';
export const EMPTY_FIELD = '(empty)';
export const UNSET_FIELD = '-';

const HEX = '0123456789abcdef';
const hexEscape = (byte: number): string => `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
const escapeChar = (ch: string): string => hexEscape(ch.charCodeAt(0));
const SPECIAL = /[\x00-\x1f\x7f\\]/g;
const SPECIAL_IN_CONTAINER = /[\x00-\x1f\x7f\\,]/g;

/**
 * One string as Zeek's ASCII writer prints it: control characters, DEL and the backslash (so
 * that every backslash in a log starts an escape), and inside a set or vector the set separator,
 * become \xNN; other UTF-8 passes as it is. A string that would read as the empty or unset
 * marker gets its first character escaped, so a reader can never take it for one.
 */
export function escapeZeekString(s: string, inContainer = false): string {
  if (s === '') return EMPTY_FIELD;
  let out = s.replace(inContainer ? SPECIAL_IN_CONTAINER : SPECIAL, escapeChar);
  if (out === UNSET_FIELD || out === EMPTY_FIELD) out = hexEscape(out.charCodeAt(0)) + out.slice(1);
  return out;
}

const ELEMENT_TYPE: Partial<Record<ZeekType, ZeekType>> = {
  'set[string]': 'string', 'set[enum]': 'enum', 'vector[string]': 'string', 'vector[interval]': 'interval',
};

function scalarText(type: ZeekType, v: ZeekScalar, inContainer: boolean): string {
  switch (type) {
    case 'time':
    case 'interval':
      return typeof v === 'number' ? v.toFixed(6) : escapeZeekString(String(v), inContainer);
    case 'count':
    case 'int':
    case 'port':
      return typeof v === 'number' ? String(Math.trunc(v)) : escapeZeekString(String(v), inContainer);
    case 'bool':
      return v === true ? 'T' : v === false ? 'F' : escapeZeekString(String(v), inContainer);
    default:
      return escapeZeekString(String(v), inContainer);
  }
}

/** A value as a TSV cell of the given Zeek type. */
export function formatZeekValue(type: ZeekType, value: ZeekValue): string {
  if (value === null || value === undefined) return UNSET_FIELD;
  const element = ELEMENT_TYPE[type];
  if (element !== undefined) {
    const items = Array.isArray(value) ? (value as readonly ZeekScalar[]) : [value as ZeekScalar];
    if (items.length === 0) return EMPTY_FIELD;
    return items.map((v) => scalarText(element, v, true)).join(SET_SEPARATOR);
  }
  return scalarText(type, value as ZeekScalar, false);
}

function scalarJson(type: ZeekType, v: ZeekScalar): ZeekScalar {
  if ((type === 'time' || type === 'interval') && typeof v === 'number') return Number(v.toFixed(6));
  if ((type === 'count' || type === 'int' || type === 'port') && typeof v === 'number') return Math.trunc(v);
  return v;
}

/** A value as Zeek's JSON writer gives it; undefined when the field is unset (and left out). */
export function jsonZeekValue(type: ZeekType, value: ZeekValue): ZeekScalar | ZeekScalar[] | undefined {
  if (value === null || value === undefined) return undefined;
  const element = ELEMENT_TYPE[type];
  if (element !== undefined) {
    const items = Array.isArray(value) ? (value as readonly ZeekScalar[]) : [value as ZeekScalar];
    return items.map((v) => scalarJson(element, v));
  }
  return scalarJson(type, value as ZeekScalar);
}

/** One TSV line (without the newline) from values in field order. */
export function zeekTsvLine(fields: readonly ZeekField[], values: readonly ZeekValue[]): string {
  return fields.map((f, i) => formatZeekValue(f.type, values[i])).join(SEPARATOR);
}

/** One JSON line (without the newline) from values in field order; dotted names stay as keys. */
export function zeekJsonLine(fields: readonly ZeekField[], values: readonly ZeekValue[]): string {
  return JSON.stringify(zeekJsonObject(fields, values));
}

export function zeekJsonObject(fields: readonly ZeekField[], values: readonly ZeekValue[]): Record<string, ZeekScalar | ZeekScalar[]> {
  const o: Record<string, ZeekScalar | ZeekScalar[]> = {};
  fields.forEach((f, i) => {
    const v = jsonZeekValue(f.type, values[i]);
    if (v !== undefined) o[f.name] = v;
  });
  return o;
}

/**
 * The #open / #close stamp, YYYY-MM-DD-HH-MM-SS. Zeek prints local time; this prints UTC so the
 * same run gives the same files on any machine.
 */
export function zeekTimestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** The header lines of a TSV log, each ending in a newline. */
export function zeekHeader(path: string, fields: readonly ZeekField[], openTime: Date): string {
  return [
    '#separator \\x09', // Zeek writes this one with a space: the separator cannot describe itself
    `#set_separator${SEPARATOR}${SET_SEPARATOR}`,
    `#empty_field${SEPARATOR}${EMPTY_FIELD}`,
    `#unset_field${SEPARATOR}${UNSET_FIELD}`,
    `#path${SEPARATOR}${path}`,
    `#open${SEPARATOR}${zeekTimestamp(openTime)}`,
    `#fields${SEPARATOR}${fields.map((f) => f.name).join(SEPARATOR)}`,
    `#types${SEPARATOR}${fields.map((f) => f.type).join(SEPARATOR)}`,
  ].map((l) => `${l}\n`).join('');
}

export function zeekCloseLine(closeTime: Date): string {
  return `#close${SEPARATOR}${zeekTimestamp(closeTime)}\n`;
}
