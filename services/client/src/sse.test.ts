import { describe, expect, it } from 'vitest';
import { SseParser, readSseStream, type SseMessage } from './sse.js';

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(typeof chunk === 'string' ? enc.encode(chunk) : chunk);
      c.close();
    },
  });
}

describe('SseParser', () => {
  it('keeps the last id for later messages that carry none, as EventSource does', () => {
    const p = new SseParser();
    const out = p.push('id: 7\ndata: a\n\ndata: b\n\nid: 9\ndata: c\n\n');
    expect(out.map((m) => [m.data, m.lastEventId])).toEqual([
      ['a', '7'],
      ['b', '7'],
      ['c', '9'],
    ]);
    expect(p.lastEventId).toBe('9');
  });

  it('joins multi-line data with newlines and defaults the event type to "message"', () => {
    const out = new SseParser().push('data: line 1\ndata: line 2\n\nevent: end\ndata:x\n\n');
    expect(out).toEqual([
      { event: 'message', data: 'line 1\nline 2', lastEventId: null },
      { event: 'end', data: 'x', lastEventId: null },
    ]);
  });

  it('accepts CRLF, CR and LF line ends, also when a CRLF is split across chunks', () => {
    const p = new SseParser();
    expect(p.push('data: a\r')).toEqual([]);
    expect(p.push('\n\r\ndata: b\r\rdata: c\n\n').map((m) => m.data)).toEqual(['a', 'b', 'c']);
  });

  it('ignores comments, unknown fields and ids containing NUL', () => {
    const out = new SseParser().push(': keep-alive\nfoo: bar\nid: 3\ndata: a\n\nid: 4\0x\ndata: b\n\n');
    expect(out.map((m) => m.lastEventId)).toEqual(['3', '3']);
  });

  it('takes retry: only when it is a number of milliseconds', () => {
    const p = new SseParser();
    p.push('retry: 250\n\n');
    expect(p.retryMs).toBe(250);
    p.push('retry: soon\n\n');
    expect(p.retryMs).toBe(250);
  });

  it('dispatches nothing for a block without data', () => {
    expect(new SseParser().push('event: ping\n\nid: 1\n\n')).toEqual([]);
  });

  it('waits for the blank line before dispatching a message split across chunks', () => {
    const p = new SseParser();
    expect(p.push('data: {"a":')).toEqual([]);
    expect(p.push('1}\n')).toEqual([]);
    expect(p.push('\n').map((m) => m.data)).toEqual(['{"a":1}']);
  });
});

describe('readSseStream', () => {
  it('decodes UTF-8 characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: café ✓\n\n');
    const got: SseMessage[] = [];
    await readSseStream(streamOf([bytes.slice(0, 9), bytes.slice(9, 14), bytes.slice(14)]), new SseParser(), (m) => void got.push(m));
    expect(got.map((m) => m.data)).toEqual(['café ✓']);
  });

  it('drops a last message that lacks its blank line when the stream ends (per spec)', async () => {
    const got: string[] = [];
    const how = await readSseStream(streamOf(['data: a\n\ndata: half']), new SseParser(), (m) => void got.push(m.data));
    expect(how).toBe('eof');
    expect(got).toEqual(['a']);
  });

  it('stops at the message for which the callback says stop', async () => {
    const got: string[] = [];
    const how = await readSseStream(streamOf(['data: a\n\ndata: b\n\ndata: c\n\n']), new SseParser(), (m) => {
      got.push(m.data);
      return m.data === 'b' ? 'stop' : undefined;
    });
    expect(how).toBe('stopped');
    expect(got).toEqual(['a', 'b']);
  });
});
