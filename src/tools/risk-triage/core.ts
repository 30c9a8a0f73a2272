/**
 * Risk triage's entry: exported or live Graph JSON in, a triaged queue out. Runs in the worker, under the CLI and
 * in tests alike.
 */
import { InputError, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
import { parseRiskFiles } from './parse.ts';
import { DEFAULT_RULES, mergeRules, triage } from './triage.ts';
import type { RiskIssue, TriageResult, TriageRules } from './types.ts';

export interface RiskInput {
  files: NamedBytes[];
  /** Partial rules over the defaults. */
  rules?: Partial<TriageRules>;
  /** Epoch ms that recency is measured from; defaults to now. */
  now?: number;
}

export const EXPORT_HINT = [
  'Connect-MgGraph -Scopes IdentityRiskyUser.Read.All,IdentityRiskEvent.Read.All,User.Read.All',
  'Get-MgRiskyUser -All | ConvertTo-Json -Depth 10 | Out-File risky-users.json -Encoding utf8',
  'Get-MgRiskDetection -All -Filter "detectedDateTime ge $((Get-Date).AddDays(-30).ToUniversalTime().ToString(\'yyyy-MM-ddTHH:mm:ssZ\'))" |',
  '  ConvertTo-Json -Depth 10 | Out-File risk-detections.json -Encoding utf8',
  '# Optional: which risky users are synced from AD',
  'Get-MgUser -All -Property id,userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,onPremisesSamAccountName,onPremisesDomainName,onPremisesDistinguishedName |',
  '  Select-Object Id,UserPrincipalName,DisplayName,AccountEnabled,OnPremisesSyncEnabled,OnPremisesSamAccountName,OnPremisesDomainName,OnPremisesDistinguishedName |',
  '  ConvertTo-Json -Depth 5 | Out-File users.json -Encoding utf8',
].join('\n');

export function analyseRisk(input: RiskInput, opts: RunOptions = {}): TriageResult {
  let rules: TriageRules;
  try {
    rules = mergeRules(input.rules ?? {}, DEFAULT_RULES);
  } catch (e) {
    throw new InputError<RiskIssue['code']>({
      code: 'bad-rules',
      severity: 'error',
      message: `The triage rules are not valid: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  const data = parseRiskFiles(input.files, { ...opts, now: input.now });
  if (!data.riskyUsers.length && !data.detections.length) {
    const reasons = data.issues.filter((i) => i.severity === 'error');
    throw new InputError<RiskIssue['code']>({
      code: 'no-risk-data',
      severity: 'error',
      file: input.files.map((f) => f.name).join(', ') || undefined,
      message:
        (input.files.length
          ? 'No risky users or risk detections were found in the files. '
          : 'No files were given. ') +
        (reasons.length
          ? reasons.map((r) => `${r.file}: ${r.message}`).join(' ')
          : 'Drop riskyUsers and riskDetections exports.'),
      hint: EXPORT_HINT,
    });
  }
  return triage(data, rules, input.now ?? Date.now());
}
