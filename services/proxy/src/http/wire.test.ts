import { describe, expect, it } from 'vitest';
import { ChunkedScanner, MALFORMED, parseRequestHead, parseResponseHead, upstreamRequestHead } from './wire.js';

const body = '4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nx-trailer: t\r\n\r\n';

describe('ChunkedScanner', () => {
  it('finds the end of a chunked body however the bytes are split', () => {
    const bytes = Buffer.from(`${body}NEXT`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new ChunkedScanner();
      const a = s.feed(bytes.subarray(0, cut));
      const end = a >= 0 ? a : cut + s.feed(bytes.subarray(cut));
      expect(end, `split at ${cut}`).toBe(body.length);
    }
  });

  it('refuses broken framing', () => {
    expect(new ChunkedScanner().feed(Buffer.from('zz\r\n'))).toBe(MALFORMED);
    expect(new ChunkedScanner().feed(Buffer.from('3\r\nabcX'))).toBe(MALFORMED);
  });
});

describe('parseRequestHead', () => {
  const ok = 'POST /v1/x?q=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX-Synthetic: true';
  it('reads the method, path, framing and the synthetic flag', () => {
    expect(parseRequestHead(ok)).toMatchObject({ method: 'POST', target: '/v1/x?q=1', path: '/v1/x', body: 'length', length: 3, synthetic: true, close: false });
  });

  it.each([
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a'],
    ['no Host', 'GET / HTTP/1.1\r\nX: y'],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b'],
    ['Upgrade', 'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade'],
    ['Expect', 'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1'],
    ['Content-Length and chunked', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked'],
    ['a transfer coding other than chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked'],
    ['a bad Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nbroken'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a'],
    ['an absolute-form target', 'GET http://a/ HTTP/1.1\r\nHost: a'],
    ['CONNECT', 'CONNECT a:443 HTTP/1.1\r\nHost: a'],
  ])('leaves %s to the full path', (_why, head) => {
    expect(parseRequestHead(head)).toBeNull();
  });

  it('rewrites the head as the full path does: hop-by-hop dropped, X-Forwarded-* set, Host replaced', () => {
    const h = parseRequestHead('GET /p HTTP/1.1\r\nHost: front\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nTE: trailers\r\nX-Forwarded-For: 10.0.0.9\r\nX-Keep: v')!;
    expect(upstreamRequestHead(h, '/base', 'up:8080', '127.0.0.1')).toBe(
      'GET /base/p HTTP/1.1\r\nX-Keep: v\r\nx-forwarded-for: 10.0.0.9, 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: front\r\nhost: up:8080\r\n\r\n',
    );
  });
});

describe('parseResponseHead', () => {
  it('keeps end-to-end headers, drops hop-by-hop ones and reads the framing and keep-alive timeout', () => {
    const r = parseResponseHead('HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nContent-Length: 12\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5', 'GET');
    expect(r).toMatchObject({ status: 200, body: 'length', length: 12, reusable: true, keepAliveMs: 5000, head: 'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nContent-Length: 12\r\n' });
  });

  it('re-frames an answer that ends at close as chunked, and never reuses that connection', () => {
    expect(parseResponseHead('HTTP/1.0 200 OK\r\nContent-Type: a/b', 'GET')).toMatchObject({ body: 'close', reusable: false, head: 'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nTransfer-Encoding: chunked\r\n' });
  });

  it('knows HEAD, 204 and 304 answers carry no body, and skips 1xx', () => {
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 9', 'HEAD')).toMatchObject({ body: 'none' });
    expect(parseResponseHead('HTTP/1.1 304 Not Modified', 'GET')).toMatchObject({ body: 'none', reusable: true });
    expect(parseResponseHead('HTTP/1.1 100 Continue', 'POST')).toBe('informational');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2', 'GET')).toBeNull();
  });
});
