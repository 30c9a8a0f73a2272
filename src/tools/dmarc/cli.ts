import { parseArgs, type ToolCli } from '../../cli/io.ts';
import { analyseFiles, type LazyFile } from './core.ts';
import { recordsCsv, toJson } from './exports.ts';
import { toNdjson } from './ndjson.ts';
import type { DmarcResult } from './types.ts';

const USAGE = `Usage: hybrid-toolbox dmarc <files-or-folders>… [--json|--csv|--ndjson]

Reads DMARC aggregate reports: .xml, .xml.gz, .zip, saved mails (.eml) and mbox files, recognised by their
content, folders walked recursively. Duplicates are counted once.

  (default)   a text summary for people
  --json      files, totals, reports and senders as JSON (fields documented in docs/dmarc.md; kept stable)
  --csv       one row per record with parsedmarc's CSV column names, UTF-8 with BOM (Excel-safe)
  --ndjson    one JSON document per record with parsedmarc's aggregate field names (Elasticsearch, OpenSearch, Splunk)

Exit status: 0 it ran (also when some files were rejected), 1 a path could not be read, 2 wrong arguments.`;

const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : '–');
const day = (s: number | null) => (s === null ? '–' : new Date(s * 1000).toISOString().slice(0, 10));

function textSummary(r: DmarcResult): string {
  const t = r.totals;
  const s = t.filesByStatus;
  const lines = [
    `${t.files} file(s): ${s.ok} ok, ${s.warning} with warnings, ${s.rejected} rejected, ${s.skipped} skipped`,
    `${t.reports} report(s) from ${t.reporters} reporter(s) about ${t.domains} domain(s), ${day(t.begin)} – ${day(t.end)}; ${t.duplicates} duplicate(s) dropped`,
    `${t.messages.toLocaleString('en-US')} messages in ${t.records.toLocaleString('en-US')} records: DMARC pass ${pct(t.dmarcPass, t.messages)}, DKIM aligned ${pct(t.dkimAlignedPass, t.messages)}, SPF aligned ${pct(t.spfAlignedPass, t.messages)}`,
    `Disposition: none ${t.disposition.none}, quarantine ${t.disposition.quarantine}, reject ${t.disposition.reject}${t.disposition.pass ? `, pass ${t.disposition.pass}` : ''}${t.disposition.unknown ? `, unknown ${t.disposition.unknown}` : ''}`,
    '',
    `Readiness for enforcement (${r.readiness.verdict}): ${r.readiness.advice}`,
    '',
    'Senders (messages, DMARC pass):',
    ...r.senders
      .slice(0, 20)
      .map(
        (x) =>
          `  ${String(x.messages).padStart(9)}  ${pct(x.dmarcPass, x.messages).padStart(7)}  ${x.name} (${x.ips.length} IP${x.ips.length === 1 ? '' : 's'})`,
      ),
  ];
  if (r.senders.length > 20) lines.push(`  … ${r.senders.length - 20} more (use --json)`);
  const problems = r.files.filter(
    (f) => f.status === 'rejected' || f.status === 'skipped' || f.status === 'warning',
  );
  if (problems.length) {
    lines.push('', 'Files with problems:');
    for (const f of problems) lines.push(`  [${f.status}] ${f.path}: ${f.reason || f.warnings.join(' | ')}`);
  }
  return lines.join('\n') + '\n';
}

export const cli: ToolCli = {
  summary: 'DMARC aggregate reports (xml, gz, zip, eml, folders): totals, senders, duplicates, readiness.',
  usage: USAGE,
  async run(io) {
    const { positional, flags, unknown } = parseArgs(io.args, { flags: ['json', 'csv', 'ndjson'] });
    const formats = ['json', 'csv', 'ndjson'].filter((f) => flags.has(f));
    if (unknown.length || positional.length === 0 || formats.length > 1) {
      io.stderr(`${unknown.length ? `Unknown: ${unknown.join(' ')}\n` : ''}${USAGE}\n`);
      return 2;
    }
    const files: LazyFile[] = [];
    for (const p of positional) {
      try {
        for (const path of await io.listFiles(p)) files.push({ name: path, read: () => io.readFile(path) });
      } catch (e) {
        io.stderr(`Cannot read ${p}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
      }
    }
    const result = await analyseFiles(files);
    if (flags.has('json')) io.stdout(JSON.stringify(toJson(result), null, 2) + '\n');
    else if (flags.has('csv')) io.stdout(recordsCsv(result));
    else if (flags.has('ndjson')) io.stdout(toNdjson(result));
    else io.stdout(textSummary(result));
    return 0;
  },
};
