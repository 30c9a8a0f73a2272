import { escapeText } from './escape.ts';
import type { Output } from './spec.ts';

const CHUNK = 1 << 16;
/** Arrays longer than this are written entry by entry; shorter ones (and plain objects) in one native call. */
const STREAM_FROM = 256;

/** A value that writes its own JSON text, the same as `JSON.stringify(value, null, 2)` nested at `indent`. */
interface Streamable {
  writeJson: (write: (s: string) => void, indent: string) => void;
}

const isStreamable = (v: unknown): v is Streamable =>
  v !== null && typeof v === 'object' && typeof (v as Streamable).writeJson === 'function';

/** Does writing this object need the walk (a streamable or a long array directly inside)? */
function needsWalk(v: object): boolean {
  if (Array.isArray(v)) return v.length > STREAM_FROM;
  if (isStreamable(v)) return true;
  for (const x of Object.values(v))
    if (
      x !== null &&
      typeof x === 'object' &&
      (isStreamable(x) || (Array.isArray(x) && x.length > STREAM_FROM))
    )
      return true;
  return false;
}

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * Output to one stream, buffered into 64 KB writes. JSON is written as it is walked: long arrays entry by entry,
 * each entry (and every small part) by `JSON.stringify`, so a result with hundreds of thousands of entries never
 * exists as one string; the text is the same as `JSON.stringify(value, null, 2)`. `write` returning false means
 * the stream is full: `drain()` then waits for `waitDrain`.
 */
export function createOutput(write: (s: string) => boolean | void, waitDrain?: () => Promise<void>): Output {
  let buf = '';
  let full = false;
  const raw = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      if (write(buf) === false) full = true;
      buf = '';
    }
  };
  const native = (value: unknown, indent: string) => {
    const text = JSON.stringify(value, null, 2) ?? 'null';
    raw(indent && text.includes('\n') ? text.replaceAll('\n', '\n' + indent) : text);
  };
  const json = (value: unknown, indent: string): void => {
    // A big list that knows how to write itself (e.g. Sync check's pairs) skips building objects.
    if (isStreamable(value)) return value.writeJson(raw, indent);
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      value = (value as { toJSON: () => unknown }).toJSON();
    if (value === null || typeof value !== 'object' || !needsWalk(value)) return native(value, indent);
    const inner = indent + '  ';
    if (Array.isArray(value)) {
      raw('[\n' + inner);
      for (let i = 0; i < value.length; i++) {
        if (i) raw(',\n' + inner);
        const v: unknown = value[i];
        json(skipped(v) ? null : v, inner);
      }
      raw('\n' + indent + ']');
      return;
    }
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (skipped(v)) continue;
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
    drain: async () => {
      if (!full || !waitDrain) return;
      full = false;
      await waitDrain();
    },
    flush: async () => {
      if (buf && write(buf) === false) full = true;
      buf = '';
    },
  };
}
