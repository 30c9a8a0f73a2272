import { parseArgs, type ToolCli } from '../../cli/io.ts';
import { isInputError, type NamedBytes } from '../../lib/issue.ts';
import { analyse } from './core.ts';
import { toCliJson, unifiedCsv } from './report.ts';

const USAGE = `Usage: hybrid-toolbox sync-check --ad <csv> --entra <csv|json>… [--ad-after <csv>] [--scope "<OU DN>"]… [--threshold N] [--json|--csv]

Compares an Active Directory user export with Entra ID user exports, as Entra Connect would see them.
  --ad <csv>          Get-ADUser export (repeat for several domains)
  --entra <file>      Get-MgUser / Get-EntraUser / Get-MsolUser / Get-AzureADUser CSV or Graph /users JSON (repeatable)
  --ad-after <csv>    a later AD export: adds the deletion preview
  --scope "<OU DN>"   an OU in the sync scope (repeatable; "!<DN>" excludes); none: everything is in scope
  --threshold N       deletion threshold for the preview (default 500)
  --json              print the result as JSON (default)
  --csv               print the unified CSV (one row per identity)
Exit status: 0 done, 1 the inputs could not be read, 2 bad arguments.`;

export const cli: ToolCli = {
  summary:
    'AD ⇄ Entra ID sync check: unmatched users, address conflicts, attribute problems, deletion preview',
  usage: USAGE,
  async run(io) {
    const a = parseArgs(io.args, {
      flags: ['json', 'csv'],
      repeatable: ['ad', 'entra', 'ad-after', 'scope'],
      options: ['threshold'],
    });
    const problems = [...a.unknown, ...a.positional.map((p) => `unexpected argument "${p}"`)];
    const adPaths = a.options.get('ad') ?? [];
    const entraPaths = a.options.get('entra') ?? [];
    if (!adPaths.length) problems.push('--ad is required');
    if (!entraPaths.length) problems.push('--entra is required');
    const thresholdText = a.options.get('threshold')?.at(-1);
    const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
    if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 0))
      problems.push('--threshold needs a whole number');
    if (a.flags.has('json') && a.flags.has('csv')) problems.push('choose --json or --csv');
    if (problems.length) {
      io.stderr(`${problems.join('\n')}\n\n${USAGE}\n`);
      return 2;
    }
    const read = async (paths: string[]): Promise<NamedBytes[]> => {
      const out: NamedBytes[] = [];
      for (const p of paths)
        for (const f of await io.listFiles(p)) out.push({ name: f, bytes: await io.readFile(f) });
      return out;
    };
    try {
      const result = analyse({
        ad: await read(adPaths),
        entra: await read(entraPaths),
        adAfter: await read(a.options.get('ad-after') ?? []),
        scope: a.options.get('scope') ?? [],
        threshold,
      });
      io.stdout(
        a.flags.has('csv')
          ? unifiedCsv(result).replace(/^\ufeff/, '')
          : JSON.stringify(toCliJson(result), null, 2) + '\n',
      );
      return 0;
    } catch (e) {
      if (isInputError(e)) {
        io.stderr(`${e.issue.file ? `${e.issue.file}: ` : ''}${e.issue.message}\n`);
        return 1;
      }
      if (e instanceof Error && 'code' in e && (e as { code?: string }).code === 'ENOENT') {
        io.stderr(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
