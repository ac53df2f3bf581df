/** A small server-sent-events parser (the subset the backend writes), pure and testable. */

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export interface SseParser {
  /** Feed decoded text; returns the complete messages it finished. */
  push(chunk: string): SseMessage[];
  retry: number | null;
}

export function createSseParser(): SseParser {
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  const parser: SseParser = {
    retry: null,
    push(chunk) {
      buffer += chunk;
      const out: SseMessage[] = [];
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length) out.push({ id, event: event || 'message', data: data.join('\n') });
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) parser.retry = Number(value);
      }
      return out;
    },
  };
  return parser;
}
