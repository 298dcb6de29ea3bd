// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { readSseStream, SseMessage, SseParser } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('SseParser', () => {
  it('reads event, id and data fields and dispatches on a blank line', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\nevent: phase\ndata: {"seq":3}\n\n')).toEqual([{ id: '3', event: 'phase', data: '{"seq":3}' }]);
  });

  it('joins several data lines with newlines and defaults the event name to "message"', () => {
    const parser = new SseParser();
    expect(parser.push('data: first\ndata: second\n\n')).toEqual([{ event: 'message', data: 'first\nsecond' }]);
  });

  it('ignores comment lines such as keep-alive pings', () => {
    const parser = new SseParser();
    expect(parser.push(': ping\n\n: ping\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('handles CRLF line endings, including a CR and LF split across chunks', () => {
    const parser = new SseParser();
    expect(parser.push('event: log\r')).toEqual([]);
    expect(parser.push('\ndata: a\r\n\r\n')).toEqual([{ event: 'log', data: 'a' }]);
  });

  it('reassembles a message split in the middle of a line', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"seq"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"seq":1}' }]);
  });

  it('keeps only a numeric retry field', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 250\ndata: a\n\nretry: soon\ndata: b\n\n')).toEqual([
      { event: 'message', data: 'a', retry: 250 },
      { event: 'message', data: 'b' },
    ]);
  });
});

describe('readSseStream', () => {
  it('delivers every complete message and drops a trailing one that never got its blank line', async () => {
    const seen: SseMessage[] = [];
    const result = await readSseStream(streamOf(['data: 1\n\nda', 'ta: 2\n\n', 'data: 3\n']), m => {
      seen.push(m);
    });
    expect(result).toBe('eof');
    expect(seen.map(m => m.data)).toEqual(['1', '2']);
  });

  it('stops reading when the handler asks it to', async () => {
    const seen: string[] = [];
    const result = await readSseStream(streamOf(['data: 1\n\ndata: 2\n\ndata: 3\n\n']), m => {
      seen.push(m.data);
      return m.data === '2' ? 'stop' : undefined;
    });
    expect(result).toBe('stopped');
    expect(seen).toEqual(['1', '2']);
  });
});
