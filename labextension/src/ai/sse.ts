/**
 * An incremental parser of server-sent events (`event:` / `data:` lines, blank-line separated),
 * fed with chunks as they arrive; a chunk may end anywhere, even inside a line.
 */
export class SSEParser {
  private buffer = '';
  private cr = ''; // a chunk's last '\r' waits: the next chunk may start with its '\n'

  /** The complete events in `chunk` (plus what was buffered), as (event name, parsed data). */
  push(chunk: string): { event: string; data: any }[] {
    let text = this.cr + chunk;
    this.cr = text.endsWith('\r') ? '\r' : '';
    if (this.cr) {
      text = text.slice(0, -1);
    }
    this.buffer += text.replace(/\r\n?/g, '\n');
    const out: { event: string; data: any }[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const parsed = parseBlock(block);
      if (parsed) {
        out.push(parsed);
      }
      end = this.buffer.indexOf('\n\n');
    }
    return out;
  }

  /** An event left without its closing blank line when the stream ended. */
  finish(): { event: string; data: any }[] {
    const rest = this.buffer;
    this.buffer = '';
    this.cr = '';
    const parsed = rest.trim() ? parseBlock(rest) : null;
    return parsed ? [parsed] : [];
  }
}

function parseBlock(block: string): { event: string; data: any } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      continue; // a comment (keep-alive)
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  if (!data.length) {
    return null;
  }
  const raw = data.join('\n');
  try {
    return { event, data: JSON.parse(raw) };
  } catch {
    return { event, data: raw };
  }
}
