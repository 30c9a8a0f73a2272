import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: 'sync-check',
  summary:
    'AD ⇄ Entra ID sync check: unmatched users, address conflicts, attribute problems, deletion preview.',
  synopsis: [
    'sync-check --ad <csv> --entra <csv|json>… [--ad-after <csv>] [--scope "<OU DN>"]… [--threshold N] [--json|--csv]',
  ],
  description:
    'Compares an Active Directory user export with Entra ID user exports, as Entra Connect would see them.\n' +
    'Folders are read recursively; "-" reads one file from stdin.',
  options: [
    {
      name: 'ad',
      value: '<csv>',
      repeatable: true,
      required: true,
      summary: 'Get-ADUser export (repeat for several domains)',
    },
    {
      name: 'entra',
      value: '<file>',
      repeatable: true,
      required: true,
      summary:
        'Get-MgUser / Get-EntraUser / Get-MsolUser / Get-AzureADUser CSV or Graph /users JSON (repeatable)',
    },
    {
      name: 'ad-after',
      value: '<csv>',
      repeatable: true,
      summary: 'a later AD export: adds the deletion preview',
    },
    {
      name: 'scope',
      value: '"<OU DN>"',
      repeatable: true,
      summary: 'an OU in the sync scope (repeatable; "!<DN>" excludes); none: everything is in scope',
    },
    { name: 'threshold', value: 'N', summary: 'deletion threshold for the preview (default 500)' },
    { name: 'json', format: true, summary: 'the result as JSON (the default)' },
    { name: 'csv', format: true, summary: 'the unified CSV, one row per identity' },
  ],
  defaultOutput: 'the result as JSON',
  exit1:
    'the AD or Entra input is unusable (nothing is compared, nothing printed on stdout) or a file was refused',
  docs: 'docs/sync-check.md#cli',
  load: () => import('./cli.ts'),
};
