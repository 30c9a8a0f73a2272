import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: 'dmarc',
  summary:
    'DMARC aggregate, failure and SMTP TLS reports (xml, json, gz, zip, eml, folders): totals, senders, readiness.',
  synopsis: [
    'dmarc <files-or-folders>… [--json|--csv|--ndjson]',
    'dmarc <files-or-folders>… --ndjson|--csv --kind failure|tls',
  ],
  description:
    'Reads DMARC aggregate reports, failure reports (RFC 6591) and SMTP TLS reports (RFC 8460): .xml, .json,\n' +
    '.gz, .zip, saved mails (.eml) and mbox files, recognised by their content; folders are walked recursively in\n' +
    'byte order and read several files at a time. Duplicates are counted once. Every rejected or questionable\n' +
    'file is named on stderr.',
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
    {
      name: 'kind',
      value: '<kind>',
      choices: ['aggregate', 'failure', 'tls'],
      summary:
        "with --ndjson or --csv: which reports to write (aggregate records by default; failure or tls reports in parsedmarc's names)",
    },
  ],
  defaultOutput: 'a text summary for people',
  exit1: 'a file was rejected (the others are still counted), or no file was found in a folder',
  docs: 'docs/dmarc.md#cli',
  load: () => import('./cli.ts'),
};
