import type { RunContext } from '../../cli/spec.ts';
import { convertId, splitValues } from './core.ts';
import type { IdResult } from './types.ts';
import { formatText, toCsvText, CSV_COLUMNS } from './report.ts';

/**
 * The values in order: arguments as given, stdin line by line as it arrives. Only the first 17 lines wait:
 * exactly sixteen lines of 0–255 are one byte array (`$guid.ToByteArray()`), anything longer streams.
 */
async function* values(ctx: RunContext): AsyncIterable<string> {
  for (const op of ctx.operands) {
    if (op !== '-') {
      yield op;
      continue;
    }
    const head: string[] = [];
    let streaming = false;
    for await (const line of ctx.stdinLines()) {
      const v = line.trim();
      if (!v) continue;
      if (streaming) yield v;
      else if (head.push(v) > 16) {
        yield* head;
        streaming = true;
      }
    }
    if (!streaming) yield* splitValues(head.join('\n'));
  }
}

const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

export async function run(ctx: RunContext): Promise<void> {
  const { out } = ctx;
  let n = 0;
  const write = (r: IdResult) => {
    if (ctx.format === 'json') {
      out.raw(n === 0 ? '{\n  "results": [\n    ' : ',\n    ');
      out.jsonPart(r, '    ');
    } else if (ctx.format === 'csv') {
      if (n === 0) out.raw(CSV_HEADER);
      out.raw(toCsvText([r]).slice(CSV_HEADER.length));
    } else out.text((n ? '\n' : '') + formatText(r));
  };
  for await (const v of values(ctx)) {
    const r = convertId(v);
    write(r);
    n++;
    if (r.kind === 'invalid') ctx.fail();
    // Stdin can be endless: never let output pile up in memory behind a slow reader.
    if ((n & 1023) === 0) await out.drain();
  }
  if (ctx.format === 'json') out.raw(n ? '\n  ]\n}\n' : '{\n  "results": []\n}\n');
  else if (ctx.format === 'csv' && n === 0) out.raw(CSV_HEADER);
}
