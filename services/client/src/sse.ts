/**
 * Server-Sent Events over a fetch body (the WHATWG "event stream interpretation"). `EventSource`
 * cannot send headers (the Backstage token, a bearer token) nor be driven without a browser, so the
 * stream is read by hand. Like `EventSource`, the last `id:` persists across messages until the
 * server sends another one, and `retry:` is a stream-level setting.
 */

export interface SseMessage {
  /** `event:` field; "message" when absent. */
  event: string;
  data: string;
  /** The last event id seen on this stream so far (persists across messages), or null. */
  lastEventId: string | null;
}

/** Incremental parser: feed decoded text, get the messages it completed. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #lastEventId: string | null = null;
  #retryMs: number | null = null;

  /** Reconnection delay the server asked for with `retry:`, in ms; null when it sent none. */
  get retryMs(): number | null {
    return this.#retryMs;
  }

  get lastEventId(): string | null {
    return this.#lastEventId;
  }

  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone trailing "\r" may be the first half of "\r\n": wait for the next chunk.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  /** End of stream: a message without its terminating blank line is discarded (per spec). */
  end(): void {
    this.#buffer = '';
    this.#data = [];
    this.#event = '';
  }

  #line(line: string): SseMessage | null {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  #dispatch(): SseMessage | null {
    const message = this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n'), lastEventId: this.#lastEventId } : null;
    this.#data = [];
    this.#event = '';
    return message;
  }
}

/**
 * Reads an event-stream body until it ends (`'eof'`), `onMessage` returns `'stop'`, or `signal`
 * aborts (`'stopped'`). Errors of the body (a dropped connection) and of `onMessage` propagate.
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  onMessage: (message: SseMessage) => void | 'stop',
  signal?: AbortSignal,
): Promise<'eof' | 'stopped'> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return 'stopped';
      const { done, value } = await reader.read();
      for (const message of parser.push(done ? decoder.decode() : decoder.decode(value, { stream: true }))) {
        if (signal?.aborted || onMessage(message) === 'stop') return 'stopped';
      }
      if (done) {
        parser.end();
        return signal?.aborted ? 'stopped' : 'eof';
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined);
  }
}
