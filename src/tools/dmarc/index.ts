import type { ToolInfo } from '../types.ts';

export const tool: ToolInfo = {
  id: 'dmarc',
  title: 'DMARC reports',
  summary:
    'Read a folder of DMARC aggregate reports (xml, gz, zip, eml): senders, pass rates, duplicates, readiness for p=reject.',
  keywords: [
    'dmarc',
    'rua',
    'aggregate report',
    'spf',
    'dkim',
    'alignment',
    'p=reject',
    'p=quarantine',
    'quarantine',
    'reject',
    'parsedmarc',
    'spoofing',
    'sender',
    'xml.gz',
    'report_metadata',
    'policy_evaluated',
    'dmarcian',
    'valimail',
  ],
  accepts: '.xml, .xml.gz, .zip, .eml, .mbox — files or folders',
  load: () => import('./Dmarc.svelte'),
};
