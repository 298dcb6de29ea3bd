/**
 * Server-Sent Events over fetch (the WHATWG event-stream format), so the follower can send
 * `Last-Event-ID` and be tested without a browser `EventSource`.
 */

export interface SseMessage {
  /** Last event id seen so far (the `id:` field persists across events, as in EventSource). */
  id: string | null;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private dataLines: string[] = [];
  private eventType = '';
  private lastEventId: string | null = null;
  /** Reconnection delay the server asked for with `retry:`, in ms. */
  retryMs: number | null = null;

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseMessage[] {
    this.buffer += text;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) {
        break;
      }
      // A lone trailing "\r" may be the first half of "\r\n": wait for more input.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) {
        break;
      }
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const msg = this.line(line);
      if (msg) {
        out.push(msg);
      }
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.retryMs = Number(value);
        }
        break;
      default:
        break;
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    if (this.dataLines.length === 0) {
      this.eventType = '';
      return null;
    }
    const msg: SseMessage = { id: this.lastEventId, event: this.eventType || 'message', data: this.dataLines.join('\n') };
    this.dataLines = [];
    this.eventType = '';
    return msg;
  }
}

/** Reads an event stream to its end, until `onMessage` returns `false`, or until `signal` aborts. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  onMessage: (msg: SseMessage) => boolean | void,
  signal?: AbortSignal
): Promise<'ended' | 'stopped'> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) {
        return 'stopped';
      }
      const { value, done } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (const msg of parser.push(text)) {
        if (signal?.aborted || onMessage(msg) === false) {
          return 'stopped';
        }
      }
      if (done) {
        return 'ended';
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
    body.cancel().catch(() => undefined);
  }
}
