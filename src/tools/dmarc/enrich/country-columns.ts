import type { Column } from '../../../lib/ui/table-view.ts';
import { percent } from '../columns.ts';
import type { CountryRow } from './group.ts';

const names =
  typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : undefined;

/** "United States (US)"; addresses no network holds are "No network (private or unannounced)". */
export function countryName(code: string): string {
  if (!code) return 'No network (private or unannounced)';
  let name: string | undefined;
  try {
    name = names?.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

export const countryColumns: Column<CountryRow>[] = [
  { id: 'country', header: 'Country', value: (c) => countryName(c.country), width: '18rem' },
  { id: 'messages', header: 'Messages', value: (c) => c.messages, numeric: true },
  {
    id: 'pass',
    header: 'DMARC pass',
    value: (c) => percent(c.dmarcPass, c.messages),
    numeric: true,
    format: (v) => (v === null || v === undefined ? '–' : `${v} %`),
  },
  { id: 'ips', header: 'Source IPs', value: (c) => c.ips, numeric: true },
  { id: 'networks', header: 'Networks', value: (c) => c.networks, numeric: true },
];
