/**
 * Just enough HTTP/1.1 for the fast path (`fastpath.ts`): parse a request head and a response
 * head, rewrite them as the full path would (hop-by-hop headers, X-Forwarded-*, Host), and find
 * where a chunked body ends without decoding it. Anything unusual parses to `null`, and the caller
 * hands the exchange to the full path (node:http), which answers it as it always did.
 */
import { STATUS_CODES } from 'node:http';
import { SYNTHETIC_HEADER } from '@drillbook/contracts';
import { HOP_BY_HOP } from './headers.js';

/** Longest request head the fast path reads (node:http's default `maxHeaderSize`). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** Methods node:http accepts and the fast path forwards (CONNECT, TRACE and the rest go the full path). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters (other than tab) that must not appear in a header value. */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** An origin-form request target of visible ASCII. */
const TARGET = /^\/[\x21-\x7e]*$/;

export type BodyFraming = 'none' | 'length' | 'chunked';

export interface RequestHead {
  method: string;
  /** Request target as sent (path and query). */
  target: string;
  /** Path without the query. */
  path: string;
  /** Header names as sent, lower-cased names and values (trimmed), in order. */
  rawNames: string[];
  names: string[];
  values: string[];
  /** Lower-cased header names the Connection header lists. */
  connectionTokens: string[];
  /** The client asked to close the connection after this exchange. */
  close: boolean;
  body: BodyFraming;
  /** Body length when `body` is `length`. */
  length: number;
  synthetic: boolean;
}

/** Trim spaces and tabs (not every Unicode space, as String.trim would: 0xa0 is a valid latin1 byte). */
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function tokens(v: string): string[] {
  const out: string[] = [];
  for (const t of v.split(',')) {
    const x = trimOws(t).toLowerCase();
    if (x) out.push(x);
  }
  return out;
}

/**
 * Parse a request head (latin1 text up to, not including, the blank line). `null` when the fast
 * path must not take it: not HTTP/1.1, a method or target it does not forward, a malformed line,
 * `Upgrade`, `Expect`, no or several `Host`, several or odd `Content-Length` / `Transfer-Encoding`,
 * both of them, or a Connection header naming a framing header.
 */
export function parseRequestHead(head: string): RequestHead | null {
  if (head.length > MAX_HEAD_BYTES) return null;
  const lines = head.split('\r\n');
  const first = lines[0];
  const sp1 = first.indexOf(' ');
  const sp2 = first.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || first.slice(sp2 + 1) !== 'HTTP/1.1') return null;
  const method = first.slice(0, sp1);
  const target = first.slice(sp1 + 1, sp2);
  if (!METHODS.has(method) || !TARGET.test(target)) return null;
  const q = target.indexOf('?');
  const h: RequestHead = {
    method,
    target,
    path: q >= 0 ? target.slice(0, q) : target,
    rawNames: [],
    names: [],
    values: [],
    connectionTokens: [],
    close: false,
    body: 'none',
    length: 0,
    synthetic: false,
  };
  let hosts = 0;
  let lengths = 0;
  let chunked = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c = line.indexOf(':');
    if (c <= 0) return null;
    const raw = line.slice(0, c);
    if (!TOKEN.test(raw)) return null;
    const rest = line.slice(c + 1);
    if (BAD_VALUE.test(rest)) return null;
    const value = trimOws(rest);
    const name = raw.toLowerCase();
    switch (name) {
      case 'host':
        hosts++;
        break;
      case 'content-length':
        if (!/^[0-9]{1,15}$/.test(value)) return null;
        lengths++;
        h.length = Number(value);
        break;
      case 'transfer-encoding':
        if (value.toLowerCase() !== 'chunked') return null;
        chunked++;
        break;
      case 'connection':
        for (const t of tokens(value)) {
          if (t === 'close') h.close = true;
          h.connectionTokens.push(t);
        }
        break;
      case 'upgrade':
      case 'expect':
        return null;
      case SYNTHETIC_HEADER:
        h.synthetic = value === 'true';
        break;
    }
    h.rawNames.push(raw);
    h.names.push(name);
    h.values.push(value);
  }
  if (hosts !== 1 || lengths > 1 || chunked > 1 || (lengths && chunked)) return null;
  for (const t of h.connectionTokens) if (t === 'content-length' || t === 'transfer-encoding' || t === 'host' || t === 'upgrade') return null;
  h.body = chunked ? 'chunked' : h.length > 0 ? 'length' : 'none';
  return h;
}

/**
 * The head sent upstream, as the full path builds it (`upstreamRequestHeaders`): hop-by-hop headers
 * and those the Connection header names dropped, `x-forwarded-for` gets the client address
 * appended, `x-forwarded-proto` set to `http` unless present, `x-forwarded-host` keeps the original
 * Host, Host becomes the upstream's. A chunked body stays chunked (its bytes are forwarded as they came).
 */
export function upstreamRequestHead(h: RequestHead, basePath: string, upstreamHost: string, clientAddress: string): string {
  let out = `${h.method} ${basePath}${h.target} HTTP/1.1\r\n`;
  let xff: string | undefined;
  let proto = false;
  let xfh = false;
  let host = '';
  for (let i = 0; i < h.names.length; i++) {
    const n = h.names[i];
    if (HOP_BY_HOP.has(n) || (h.connectionTokens.length && h.connectionTokens.includes(n))) continue;
    if (n === 'host') {
      host = h.values[i];
      continue;
    }
    if (n === 'x-forwarded-for') {
      xff = xff === undefined ? h.values[i] : `${xff}, ${h.values[i]}`;
      continue;
    }
    if (n === 'x-forwarded-proto') proto = true;
    else if (n === 'x-forwarded-host') xfh = true;
    out += `${h.rawNames[i]}: ${h.values[i]}\r\n`;
  }
  if (h.body === 'chunked') out += 'transfer-encoding: chunked\r\n';
  out += `x-forwarded-for: ${xff !== undefined ? `${xff}, ${clientAddress}` : clientAddress}\r\n`;
  if (!proto) out += 'x-forwarded-proto: http\r\n';
  if (!xfh && host) out += `x-forwarded-host: ${host}\r\n`;
  return `${out}host: ${upstreamHost}\r\n\r\n`;
}

export type ResponseFraming = BodyFraming | 'close';

export interface ResponseHead {
  status: number;
  /** Status line and the headers to pass to the client (hop-by-hop dropped, framing kept or added), each line ending in CRLF; the caller adds its Connection headers and the blank line. */
  head: string;
  /** `close`: the body ends when the upstream closes (it is re-framed as chunked for the client). */
  body: ResponseFraming;
  length: number;
  /** The upstream connection may be reused after this answer. */
  reusable: boolean;
  /** How long the upstream keeps an idle connection (its `keep-alive: timeout=`), when it says. */
  keepAliveMs?: number;
}

/**
 * Parse an upstream answer head. `'informational'` for a 1xx other than 101 (skip it: the final
 * answer follows); `null` for what the fast path cannot pass on (a malformed head, 101, a transfer
 * coding other than plain chunked, conflicting lengths).
 */
export function parseResponseHead(head: string, requestMethod: string): ResponseHead | 'informational' | null {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) ([0-9]{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return null;
  const status = Number(m[2]);
  if (status < 100) return null;
  if (status < 200) return status === 101 ? null : 'informational';
  const names: string[] = [];
  const values: string[] = [];
  const drop = new Set<string>();
  let length = -1;
  let chunked = false;
  let reusable = m[1] === '1';
  let keepAliveMs: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c = line.indexOf(':');
    if (c <= 0) return null;
    const name = line.slice(0, c);
    const rest = line.slice(c + 1);
    if (BAD_VALUE.test(rest)) return null;
    const value = trimOws(rest);
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!/^[0-9]{1,15}$/.test(value) || (length >= 0 && Number(value) !== length)) return null;
      length = Number(value);
    } else if (lower === 'transfer-encoding') {
      if (value.toLowerCase() !== 'chunked' || chunked) return null;
      chunked = true;
    } else if (lower === 'connection') {
      for (const t of tokens(value)) {
        if (t === 'close') reusable = false;
        drop.add(t);
      }
    } else if (lower === 'keep-alive') {
      const k = /(?:^|[,\s])timeout=([0-9]{1,6})/i.exec(value);
      if (k) keepAliveMs = Number(k[1]) * 1000;
    }
    names.push(name);
    values.push(value);
  }
  if (chunked && length >= 0) return null;
  const reason = m[3] || STATUS_CODES[status] || 'unknown';
  let out = `HTTP/1.1 ${status} ${reason}\r\n`;
  let seenLength = false;
  for (let i = 0; i < names.length; i++) {
    const lower = names[i].toLowerCase();
    if (lower === 'content-length') {
      // Repeats of the same length are sent once.
      if (seenLength) continue;
      seenLength = true;
    } else if (HOP_BY_HOP.has(lower) || drop.has(lower)) continue;
    out += `${names[i]}: ${values[i]}\r\n`;
  }
  const noBody = requestMethod === 'HEAD' || status === 204 || status === 304;
  let body: ResponseFraming;
  if (noBody) body = 'none';
  else if (chunked) body = 'chunked';
  else if (length >= 0) body = length > 0 ? 'length' : 'none';
  else {
    body = 'close';
    reusable = false;
  }
  if (body === 'chunked' || body === 'close') out += 'Transfer-Encoding: chunked\r\n';
  return { status, head: out, body, length: Math.max(0, length), reusable, keepAliveMs };
}

/** `feed` result: the framing is broken. */
export const MALFORMED = -2;

const S_SIZE = 0;
const S_EXT = 1;
const S_SIZE_LF = 2;
const S_DATA = 3;
const S_DATA_CR = 4;
const S_DATA_LF = 5;
const S_TRAILER_START = 6;
const S_TRAILER = 7;
const S_TRAILER_LF = 8;
const S_FINAL_LF = 9;

/**
 * Finds where a chunked body ends, without decoding it (the bytes are forwarded as they are).
 * `feed` returns the offset just past the body's last byte within the given buffer, -1 when the
 * body goes on past it, or `MALFORMED`.
 */
export class ChunkedScanner {
  private state = S_SIZE;
  private size = 0;
  private digits = 0;

  feed(b: Buffer): number {
    let i = 0;
    const n = b.length;
    while (i < n) {
      const ch = b[i];
      switch (this.state) {
        case S_SIZE: {
          const v = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 97 && ch <= 102 ? ch - 87 : ch >= 65 && ch <= 70 ? ch - 55 : -1;
          if (v >= 0) {
            if (++this.digits > 12) return MALFORMED;
            this.size = this.size * 16 + v;
          } else if (this.digits === 0) return MALFORMED;
          else if (ch === 13) this.state = S_SIZE_LF;
          else if (ch === 59 || ch === 32 || ch === 9) this.state = S_EXT;
          else return MALFORMED;
          i++;
          break;
        }
        case S_EXT:
          if (ch === 13) this.state = S_SIZE_LF;
          else if (ch === 10) return MALFORMED;
          i++;
          break;
        case S_SIZE_LF:
          if (ch !== 10) return MALFORMED;
          this.state = this.size === 0 ? S_TRAILER_START : S_DATA;
          i++;
          break;
        case S_DATA: {
          const take = Math.min(this.size, n - i);
          this.size -= take;
          i += take;
          if (this.size === 0) this.state = S_DATA_CR;
          break;
        }
        case S_DATA_CR:
          if (ch !== 13) return MALFORMED;
          this.state = S_DATA_LF;
          i++;
          break;
        case S_DATA_LF:
          if (ch !== 10) return MALFORMED;
          this.state = S_SIZE;
          this.size = 0;
          this.digits = 0;
          i++;
          break;
        case S_TRAILER_START:
          this.state = ch === 13 ? S_FINAL_LF : S_TRAILER;
          if (ch === 10) return MALFORMED;
          i++;
          break;
        case S_TRAILER:
          if (ch === 13) this.state = S_TRAILER_LF;
          else if (ch === 10) return MALFORMED;
          i++;
          break;
        case S_TRAILER_LF:
          if (ch !== 10) return MALFORMED;
          this.state = S_TRAILER_START;
          i++;
          break;
        case S_FINAL_LF:
          if (ch !== 10) return MALFORMED;
          return i + 1;
      }
    }
    return -1;
  }
}
