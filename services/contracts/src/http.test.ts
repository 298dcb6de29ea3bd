import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAccess, bearerToken, HttpBodyError, readJson, sameSecret, sendError, sendJson } from './http.js';

// A real server on 127.0.0.1 whose handler the test sets; answers what the helpers produced.
let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

beforeAll(async () => {
  server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (e instanceof HttpBodyError) sendError(res, e.status, e.message, e.field);
      else sendError(res, 500, String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const echoJson = (opts: { limit: number; requireJsonType?: boolean }) => {
  handler = async (req, res) => sendJson(res, 200, { got: (await readJson(req, opts)) ?? '(none)' });
};

async function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const r = await fetch(base, { method: 'POST', headers, body });
  return { status: r.status, type: r.headers.get('content-type'), json: (await r.json()) as Record<string, unknown> };
}

describe('readJson / sendJson / sendError', () => {
  it('reads a JSON body and answers JSON with its length', async () => {
    echoJson({ limit: 1024 });
    const r = await post(JSON.stringify({ a: [1, 'x'] }));
    expect(r).toEqual({ status: 200, type: 'application/json; charset=utf-8', json: { got: { a: [1, 'x'] } } });
  });

  it('reads an empty or blank body as no body', async () => {
    echoJson({ limit: 1024 });
    expect((await post('')).json).toEqual({ got: '(none)' });
    expect((await post('  \n')).json).toEqual({ got: '(none)' });
  });

  it('refuses malformed JSON with 400 on field body', async () => {
    echoJson({ limit: 1024 });
    const r = await post('{"a":');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ field: 'body', error: expect.stringMatching(/^body is not valid JSON: /) });
  });

  it('refuses a body over the limit with 413, whether declared or streamed', async () => {
    echoJson({ limit: 16 });
    const declared = await post(JSON.stringify({ text: 'x'.repeat(100) }));
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ field: 'body', error: 'request body is 111 bytes; the limit is 16' });
    // Chunked: no content-length, so the limit is found while reading.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(base, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write('{"text": "');
      req.write('y'.repeat(40));
      req.end('"}');
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual({ field: 'body', error: 'request body exceeds 16 bytes' });
  });

  it('refuses a non-JSON content type with 415 only when asked to', async () => {
    echoJson({ limit: 1024, requireJsonType: true });
    const form = await post('{"a":1}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.json).toEqual({ field: 'body', error: 'expected Content-Type application/json, got application/x-www-form-urlencoded' });
    expect((await post('{"a":1}', { 'content-type': 'application/merge-patch+json' })).json).toEqual({ got: { a: 1 } });
    echoJson({ limit: 1024 });
    expect((await post('{"a":1}', { 'content-type': 'application/x-www-form-urlencoded' })).json).toEqual({ got: { a: 1 } });
  });

  it('sends an error without a field when none is named, with extra headers', async () => {
    handler = async (_req, res) => sendError(res, 401, 'missing or unknown bearer token', undefined, { 'www-authenticate': 'Bearer' });
    const r = await fetch(base);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(await r.json()).toEqual({ error: 'missing or unknown bearer token' });
  });

  it('does not throw when the answer has already been sent', async () => {
    handler = async (_req, res) => {
      sendJson(res, 200, { first: true });
      sendError(res, 500, 'too late');
    };
    const r = await fetch(base);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ first: true });
  });
});

describe('bearer tokens', () => {
  it('reads the token of an Authorization: Bearer header, scheme in any case', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc  ')).toBe('abc');
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(['Bearer abc'])).toBeNull();
  });

  it('compares secrets exactly, whatever their lengths', () => {
    expect(sameSecret('s3cret', 's3cret')).toBe(true);
    expect(sameSecret('s3cret', 's3cre')).toBe(false);
    expect(sameSecret('s3cret', 'S3cret')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });

  it('grants write to the admin token, read to the read-only one, nothing otherwise', () => {
    const tokens = { admin: 'admin-token', readOnly: 'read-token' };
    expect(bearerAccess('Bearer admin-token', tokens)).toBe('write');
    expect(bearerAccess('Bearer read-token', tokens)).toBe('read');
    expect(bearerAccess('Bearer other', tokens)).toBe('none');
    expect(bearerAccess(undefined, tokens)).toBe('none');
    expect(bearerAccess('admin-token', tokens)).toBe('none');
    // No admin token configured: nobody gets in, not even with an empty one.
    expect(bearerAccess('Bearer x', { admin: '' })).toBe('none');
    expect(bearerAccess('Bearer read-token', { admin: 'admin-token' })).toBe('none');
  });
});
