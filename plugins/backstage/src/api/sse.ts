/**
 * Server-Sent Events over a fetch body. `EventSource` cannot send headers, and requests through
 * the Backstage proxy need the Backstage token that `fetchApi` adds, so the stream is read by hand.
 * Parsing follows the WHATWG "event stream interpretation" rules.
 */

export interface SseMessage {
  /** `event:` field; "message" when absent. */
  event: string;
  data: string;
  /** `id:` field of this message, when it had one. */
  id?: string;
  /** `retry:` field, when sent. */
  retry?: number;
}

/** Incremental parser: feed text chunks, get complete messages back. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #retry: number | undefined;
  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    // A trailing "\r" may be the first half of "\r\n": keep it until the next chunk.
    for (;;) {
      const match = /\r\n|\n|\r(?!$)/.exec(this.#buffer);
      if (!match) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  /** Call at end of stream: a message without its terminating blank line is discarded (per spec). */
  end(): void {
    this.#buffer = '';
    this.#reset();
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
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
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        break;
    }
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const message: SseMessage | undefined =
      this.#data.length > 0
        ? { event: this.#event || 'message', data: this.#data.join('\n'), ...(this.#id !== undefined ? { id: this.#id } : {}), ...(this.#retry !== undefined ? { retry: this.#retry } : {}) }
        : undefined;
    this.#reset();
    return message;
  }

  #reset(): void {
    this.#data = [];
    this.#event = '';
    this.#id = undefined;
    this.#retry = undefined;
  }
}

/**
 * Reads an event-stream body to its end, calling `onMessage` per message. Resolves when the
 * stream ends or `onMessage` returns `'stop'` (the reader is then cancelled).
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void | 'stop',
): Promise<'eof' | 'stopped'> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        for (const message of parser.push(decoder.decode())) if (onMessage(message) === 'stop') return 'stopped';
        parser.end();
        return 'eof';
      }
      for (const message of parser.push(decoder.decode(value, { stream: true }))) {
        if (onMessage(message) === 'stop') return 'stopped';
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
