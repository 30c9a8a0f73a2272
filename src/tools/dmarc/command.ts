import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: 'dmarc',
  summary: 'DMARC aggregate reports (xml, gz, zip, eml, folders): totals, senders, duplicates, readiness.',
  synopsis: ['dmarc <files-or-folders>… [--json|--csv|--ndjson]'],
  description:
    'Reads DMARC aggregate reports: .xml, .xml.gz, .zip, saved mails (.eml) and mbox files, recognised by their\n' +
    'content; folders are walked recursively in byte order and read several files at a time. Duplicates are\n' +
    'counted once. Every rejected or questionable file is named on stderr.',
  operands: { name: '<files-or-folders>…', min: 1, summary: 'report files or folders of them (- for stdin)' },
  options: [
    { name: 'json', format: true, summary: 'files, totals, reports and senders as JSON' },
    {
      name: 'csv',
      format: true,
      summary: "one row per record with parsedmarc's CSV column names, UTF-8 with BOM",
    },
    {
      name: 'ndjson',
      format: true,
      summary: "one JSON document per record with parsedmarc's field names (Elasticsearch, Splunk)",
    },
  ],
  defaultOutput: 'a text summary for people',
  exit1: 'a file was rejected (the others are still counted), or no file was found in a folder',
  docs: 'docs/dmarc.md#cli',
  load: () => import('./cli.ts'),
};
