import { escapeText } from './escape.ts';
import type { Output } from './spec.ts';

const CHUNK = 1 << 16;

/** A value that writes its own JSON text, the same as `JSON.stringify(value, null, 2)` nested at `indent`. */
interface Streamable {
  writeJson: (write: (s: string) => void, indent: string) => void;
}

/**
 * Output to one stream, buffered into 64 KB writes. JSON is written as it is walked, so a result with hundreds
 * of thousands of entries never exists as one string; the text is the same as `JSON.stringify(value, null, 2)`.
 */
export function createOutput(write: (s: string) => void): Output {
  let buf = '';
  const raw = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      write(buf);
      buf = '';
    }
  };
  const json = (value: unknown, indent: string): void => {
    // A big list that knows how to write itself (e.g. Sync check's pairs) skips building objects.
    if (value !== null && typeof value === 'object' && typeof (value as Streamable).writeJson === 'function')
      return (value as Streamable).writeJson(raw, indent);
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      value = (value as { toJSON: () => unknown }).toJSON();
    if (value === null || typeof value !== 'object') {
      raw(JSON.stringify(value) ?? 'null');
      return;
    }
    const inner = indent + '  ';
    if (Array.isArray(value)) {
      if (value.length === 0) return raw('[]');
      raw('[\n' + inner);
      for (let i = 0; i < value.length; i++) {
        if (i) raw(',\n' + inner);
        const v: unknown = value[i];
        json(v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, inner);
      }
      raw('\n' + indent + ']');
      return;
    }
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      raw((first ? '{\n' : ',\n') + inner + JSON.stringify(key) + ': ');
      first = false;
      json(v, inner);
    }
    raw(first ? '{}' : '\n' + indent + '}');
  };
  return {
    text: (s) => raw(escapeText(s)),
    raw,
    json: (value) => {
      json(value, '');
      raw('\n');
    },
    jsonPart: (value, indent) => json(value, indent),
    flush: async () => {
      if (buf) write(buf);
      buf = '';
    },
  };
}
