import { describe, expect, it } from 'vitest';
import { SseParser, readEventStream } from './sse';

describe('SseParser', () => {
  it('joins multi-line data, keeps the last id across events and ignores comments', () => {
    const p = new SseParser();
    const msgs = p.push(': keep-alive\nid: 7\nevent: progress\ndata: {"a":\ndata: 1}\n\nevent: log\ndata: x\n\n');
    expect(msgs).toEqual([
      { id: '7', event: 'progress', data: '{"a":\n1}' },
      { id: '7', event: 'log', data: 'x' },
    ]);
  });

  it('handles CRLF line ends split across chunks without emitting a blank event', () => {
    const p = new SseParser();
    expect(p.push('id: 1\r')).toEqual([]);
    expect(p.push('\ndata: one\r\n\r')).toEqual([]);
    expect(p.push('\ndata: two\r\n\r\n')).toEqual([
      { id: '1', event: 'message', data: 'one' },
      { id: '1', event: 'message', data: 'two' },
    ]);
  });

  it('reads the retry delay the server asks for', () => {
    const p = new SseParser();
    p.push('retry: 2500\n\n');
    expect(p.retryMs).toBe(2500);
  });
});

describe('readEventStream', () => {
  it('stops reading when the handler says so', async () => {
    const body = new Response('data: 1\n\ndata: 2\n\ndata: 3\n\n').body!;
    const seen: string[] = [];
    const how = await readEventStream(body, new SseParser(), (m) => {
      seen.push(m.data);
      return m.data !== '2';
    });
    expect(how).toBe('stopped');
    expect(seen).toEqual(['1', '2']);
  });
});
