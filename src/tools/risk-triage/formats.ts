/**
 * What triage hands on: a ticket per user for the service desk, and one SIEM event per detection as CEF, ECS JSON
 * lines, a Sentinel custom-log array (the AADUserRiskEvents columns) and Splunk HEC events. Every value from Graph
 * is escaped for the format it goes into: a display name is attacker-controlled text.
 */
import { detectionName } from './triage.ts';
import { graphWord } from './graph-words.ts';
import type { RiskDetection, TriagedUser, TriageResult } from './types.ts';

export interface FormatOptions {
  /** Device version in CEF and the ECS agent version. */
  productVersion?: string;
}

const PRODUCT = 'Hybrid Toolbox';

/* ---------------------------------------------------------------- text safety */

/** Control characters and bidi overrides (which can make a name read differently than it is) become spaces. */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

function oneLine(s: string): string {
  return cleanText(s)
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
}

/** A PowerShell single-quoted string: only `'` needs doubling (and the curly quotes PowerShell treats the same). */
export function psQuote(s: string): string {
  return `'${oneLine(s).replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * Markdown text that renders as written: inline syntax (emphasis, code, links, HTML, tables, entities) is escaped
 * everywhere, block syntax only where it could start a block.
 */
export function mdEscape(s: string): string {
  return oneLine(s)
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

function fence(code: string, lang = 'powershell'): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${code}\n${f}`;
}

/* ---------------------------------------------------------------- shared */

export function utc(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'unknown time';
}

function detectedAt(d: RiskDetection): string | null {
  return d.detectedDateTime ?? d.activityDateTime ?? d.lastUpdatedDateTime;
}

export function placeText(d: { location: RiskDetection['location'] }): string {
  const l = d.location;
  if (!l) return '';
  return [l.city, l.state, l.countryOrRegion].filter(Boolean).join(', ');
}

export const PORTAL = {
  riskyUsers: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/IdentityProtectionMenuBlade/~/RiskyUsers',
  riskDetections:
    'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/IdentityProtectionMenuBlade/~/RiskDetections',
  user: (id: string) =>
    `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(id)}`,
};

const GUIDISH = /^[0-9a-f-]{36}$/i;

/* ---------------------------------------------------------------- tickets */

export interface TicketParts {
  title: string;
  facts: [string, string][];
  detections: string[];
  signIns: string[];
  steps: string[];
  cloudCommands: string;
  onPremCommands: string | null;
  links: [string, string][];
}

const MAILBOX_KINDS = new Set([
  'suspiciousInboxForwarding',
  'mcasSuspiciousInboxManipulationRules',
  'suspiciousSendingPatterns',
]);

/** The facts, steps and commands of one ticket, before they are written as plain text or Markdown. */
export function ticketParts(u: TriagedUser): TicketParts {
  const who = u.displayName
    ? `${u.displayName} (${u.userPrincipalName || u.id})`
    : u.userPrincipalName || u.id;
  const id = GUIDISH.test(u.id) ? u.id : '<object id>';
  const sam = u.onPremises?.samAccountName ?? '<sAMAccountName>';
  const facts: [string, string][] = [
    ['Priority', `P${u.priority} (score ${u.score}${u.isOpen ? '' : ', not open'})`],
    ['Why', u.reasons.map((r) => (r.points ? `${r.text} (+${r.points})` : r.text)).join('; ')],
    ['User', who],
    ['Object ID', u.id || 'unknown'],
    [
      'User risk',
      u.riskLevel === null
        ? `no risky-user record; worst open detection ${graphWord(u.effectiveLevel)}`
        : `level ${graphWord(u.riskLevel)}, state ${graphWord(u.riskState)}, detail ${graphWord(u.riskDetail)}, updated ${utc(u.riskLastUpdatedDateTime)}`,
    ],
    [
      'Account source',
      u.isSynced === true
        ? `synced from on-premises AD${u.onPremises?.samAccountName ? ` (${u.onPremises.domainName ? `${u.onPremises.domainName}\\` : ''}${u.onPremises.samAccountName})` : ''}: reset the password on-premises`
        : u.isSynced === false
          ? 'cloud-only: reset the password in Entra'
          : 'unknown (no user data loaded): check onPremisesSyncEnabled before resetting the password',
    ],
  ];
  if (u.onPremises?.distinguishedName) facts.push(['AD object', u.onPremises.distinguishedName]);
  if (u.accountEnabled === false) facts.push(['Account', 'disabled in Entra']);
  facts.push([
    'Admin roles',
    u.adminRoles === null ? 'not known' : u.adminRoles.length ? u.adminRoles.join(', ') : 'none',
  ]);
  if (u.needsP2)
    facts.push(['Licence', 'some risk values are "hidden": the tenant needs Entra ID P2 to see them']);

  const detections = u.detections.map((d) =>
    [
      utc(detectedAt(d)),
      detectionName(d.riskEventType),
      `level ${graphWord(d.riskLevel)}`,
      graphWord(d.riskState),
      d.ipAddress ? `IP ${d.ipAddress}` : '',
      placeText(d),
      d.userAgent ? `agent ${d.userAgent}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  const signIns = u.signIns.map((s) =>
    [
      utc(s.createdDateTime),
      s.appDisplayName || 'sign-in',
      `risk ${graphWord(s.riskLevelDuringSignIn)}`,
      graphWord(s.riskState),
      s.ipAddress ? `IP ${s.ipAddress}` : '',
      placeText(s),
      s.errorCode === 0 ? 'succeeded' : s.errorCode !== null ? `failed (${s.errorCode})` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );

  const reset =
    u.isSynced === true
      ? 'Reset the password in on-premises AD (commands below): a reset in the cloud does not reach a synced account unless password writeback is on. Password hash sync then carries it to Entra within minutes.'
      : u.isSynced === false
        ? 'Reset the password in the Entra admin center (Users → the user → Reset password) and require a change at next sign-in.'
        : 'Reset the password where the account is mastered: on-premises AD if it is synced, else in the Entra admin center.';
  const steps = [
    'Reach the user through a channel you already trust (the phone number in the directory, in person) — never by replying to an e-mail — and go through the detections and sign-ins below: were they the user?',
    `If any was not, or the detection is leaked credentials or a confirmed compromise, treat the account as compromised: ${reset}`,
    'Revoke the user’s sessions and refresh tokens so a stolen session ends (command below).',
    'Check the authentication methods (MFA) registered in the last days and remove any the user does not know.',
    ...(u.kinds.some((k) => MAILBOX_KINDS.has(k))
      ? ['Check the mailbox for inbox rules and forwarding the user did not create, and remove them.']
      : []),
    'Then confirm the user compromised in Identity Protection (so risk-based policies act), or — if everything was the user’s own activity — dismiss the user risk.',
    'Record what the user said and what was done in this ticket.',
  ];
  const cloudCommands = [
    'Connect-MgGraph -Scopes IdentityRiskyUser.ReadWrite.All,User.RevokeSessions.All',
    '# The account is compromised:',
    `Confirm-MgRiskyUserCompromised -UserIds ${psQuote(id)}`,
    `Revoke-MgUserSignInSession -UserId ${psQuote(id)}`,
    '# Or: every detection was the user’s own activity:',
    `Invoke-MgDismissRiskyUser -UserIds ${psQuote(id)}`,
  ].join('\n');
  const onPremCommands =
    u.isSynced === true
      ? [
          '# On a machine with the ActiveDirectory module, as an account allowed to reset this user’s password:',
          `Set-ADAccountPassword -Identity ${psQuote(sam)} -Reset -NewPassword (Read-Host -AsSecureString 'New password')`,
          `Set-ADUser -Identity ${psQuote(sam)} -ChangePasswordAtLogon $true`,
          '# On the Entra Connect server, to sync now instead of within 30 minutes:',
          'Start-ADSyncSyncCycle -PolicyType Delta',
          '# "Change at logon" reaches Entra only with the ForcePasswordChangeOnLogOn sync feature; the user risk is',
          '# remediated by the on-premises change only if Identity Protection allows it (riskDetail userChangedPasswordOnPremises).',
        ].join('\n')
      : null;
  const links: [string, string][] = [];
  if (GUIDISH.test(u.id)) links.push(['The user in Entra', PORTAL.user(u.id)]);
  links.push(['Risky users report', PORTAL.riskyUsers], ['Risk detections report', PORTAL.riskDetections]);
  return {
    title: `[P${u.priority}] Risky user: ${who}`,
    facts,
    detections,
    signIns,
    steps,
    cloudCommands,
    onPremCommands,
    links,
  };
}

export function ticketPlain(u: TriagedUser): string {
  const t = ticketParts(u);
  const lines = [oneLine(t.title), ''];
  const width = Math.max(...t.facts.map(([k]) => k.length));
  for (const [k, v] of t.facts) lines.push(`${`${k}:`.padEnd(width + 2)}${oneLine(v)}`);
  lines.push('', `Detections (${t.detections.length}, newest first):`);
  for (const d of t.detections) lines.push(`  - ${oneLine(d)}`);
  if (!t.detections.length) lines.push('  (none in the loaded data)');
  if (t.signIns.length) {
    lines.push('', `Risky sign-ins (${t.signIns.length}):`);
    for (const s of t.signIns) lines.push(`  - ${oneLine(s)}`);
  }
  lines.push('', 'Service-desk steps:');
  t.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  lines.push('', 'Follow-up in Microsoft Graph PowerShell:', t.cloudCommands);
  if (t.onPremCommands)
    lines.push('', 'Password reset on-premises (the account is synced from AD):', t.onPremCommands);
  lines.push('', 'Links:');
  for (const [k, v] of t.links) lines.push(`  ${k}: ${v}`);
  return lines.join('\n') + '\n';
}

export function ticketMarkdown(u: TriagedUser): string {
  const t = ticketParts(u);
  const out = [`## ${mdEscape(t.title)}`, '', '| | |', '|---|---|'];
  for (const [k, v] of t.facts) out.push(`| ${mdEscape(k)} | ${mdEscape(v)} |`);
  out.push('', `### Detections (${t.detections.length}, newest first)`, '');
  for (const d of t.detections) out.push(`- ${mdEscape(d)}`);
  if (!t.detections.length) out.push('- (none in the loaded data)');
  if (t.signIns.length) {
    out.push('', `### Risky sign-ins (${t.signIns.length})`, '');
    for (const s of t.signIns) out.push(`- ${mdEscape(s)}`);
  }
  out.push('', '### Service-desk steps', '');
  t.steps.forEach((s, i) => out.push(`${i + 1}. ${mdEscape(s)}`));
  out.push('', '### Follow-up in Microsoft Graph PowerShell', '', fence(t.cloudCommands));
  if (t.onPremCommands)
    out.push('', '### Password reset on-premises (synced from AD)', '', fence(t.onPremCommands));
  out.push('', '### Links', '');
  for (const [k, v] of t.links) out.push(`- [${mdEscape(k)}](<${v}>)`);
  return out.join('\n') + '\n';
}

export function ticketsPlain(users: readonly TriagedUser[]): string {
  return users.map(ticketPlain).join(`\n${'='.repeat(72)}\n\n`);
}

export function ticketsMarkdown(users: readonly TriagedUser[]): string {
  return users.map(ticketMarkdown).join('\n---\n\n');
}

/* ---------------------------------------------------------------- SIEM: one event per detection */

interface EventContext {
  detection: RiskDetection;
  user: TriagedUser | undefined;
}

function contexts(result: TriageResult): EventContext[] {
  const byDetection = new Map<string, TriagedUser>();
  for (const u of result.users) for (const d of u.detections) byDetection.set(d.id, u);
  return result.detections.map((detection) => ({ detection, user: byDetection.get(detection.id) }));
}

function epochMs(iso: string | null): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+(%\w+)?$/i;

/** CEF header fields: `\` and `|` are escaped, line breaks are not allowed there at all. */
export function cefHeader(s: string): string {
  return cleanText(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|');
}

/** CEF extension values: `\` and `=` are escaped, line breaks written as `\n` / `\r`. */
export function cefValue(s: string): string {
  const escaped = s
    .replace(/\r\n/g, '\n')
    .replace(/\\/g, '\\\\')
    .replace(/=/g, '\\=')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
  return cleanText(escaped).replace(/\t/g, ' ');
}

/** CEF severity 0–10 from the detection's level; "hidden" and unknown values are not "low": they count as 5. */
export function cefSeverity(level: string): number {
  return level === 'high' ? 8 : level === 'medium' ? 5 : level === 'low' ? 3 : level === 'none' ? 0 : 5;
}

export function cefLine({ detection: d, user }: EventContext, opts: FormatOptions = {}): string {
  const header = [
    'CEF:0',
    cefHeader(PRODUCT),
    cefHeader('Risk triage'),
    cefHeader(opts.productVersion ?? '1.0'),
    cefHeader(d.riskEventType || 'unknown'),
    cefHeader(detectionName(d.riskEventType)),
    String(cefSeverity(d.riskLevel)),
  ].join('|');
  const ext: [string, string | number | undefined][] = [
    ['rt', epochMs(d.detectedDateTime)],
    ['start', epochMs(d.activityDateTime)],
    ['externalId', d.id],
    ['suid', d.userId],
    ['suser', d.userPrincipalName],
    ['src', IPV4.test(d.ipAddress) ? d.ipAddress : undefined],
    ['c6a2Label', IPV6.test(d.ipAddress) && d.ipAddress.includes(':') ? 'Source IPv6 Address' : undefined],
    ['c6a2', IPV6.test(d.ipAddress) && d.ipAddress.includes(':') ? d.ipAddress : undefined],
    ['requestClientApplication', d.userAgent ?? undefined],
    ['cat', d.activity],
    ['cs1Label', 'riskLevel'],
    ['cs1', d.riskLevel],
    ['cs2Label', 'riskState'],
    ['cs2', d.riskState],
    ['cs3Label', 'riskDetail'],
    ['cs3', d.riskDetail],
    ['cs4Label', placeText(d) ? 'location' : undefined],
    ['cs4', placeText(d) || undefined],
    ['cs5Label', 'detectionTimingType'],
    ['cs5', d.detectionTimingType],
    ['cs6Label', d.correlationId ? 'correlationId' : undefined],
    ['cs6', d.correlationId || undefined],
    ['cn1Label', user ? 'userPriority' : undefined],
    ['cn1', user?.priority],
    [
      'msg',
      `${detectionName(d.riskEventType)} for ${d.userPrincipalName || d.userId}: risk ${d.riskLevel}, ${d.riskState}`,
    ],
  ];
  const extension = ext
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v : cefValue(v)}`)
    .join(' ');
  return `${header}|${extension}`;
}

export function toCef(result: TriageResult, opts: FormatOptions = {}): string {
  return contexts(result)
    .map((c) => cefLine(c, opts) + '\n')
    .join('');
}

/** Drops null, undefined, '' and empty objects/lists: ECS prefers a missing field to an empty one. */
function compact<T>(value: T): T | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    const list = value.map(compact).filter((v) => v !== undefined);
    return (list.length ? list : undefined) as T | undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, compact(v)] as const)
      .filter(([, v]) => v !== undefined);
    return (entries.length ? Object.fromEntries(entries) : undefined) as T | undefined;
  }
  return value;
}

export const ECS_VERSION = '8.11.0';

/** ECS event.severity for alerts as Elastic's detection rules use it: low 21, medium 47, high 73. */
function ecsSeverity(level: string): number | undefined {
  return level === 'high' ? 73 : level === 'medium' ? 47 : level === 'low' ? 21 : undefined;
}

export function ecsEvent(
  { detection: d, user }: EventContext,
  opts: FormatOptions = {},
): Record<string, unknown> {
  const upnDomain = d.userPrincipalName.includes('@') ? d.userPrincipalName.split('@').pop() : undefined;
  const isIp = IPV4.test(d.ipAddress) || (d.ipAddress.includes(':') && IPV6.test(d.ipAddress));
  const event = {
    '@timestamp': d.activityDateTime ?? d.detectedDateTime ?? d.lastUpdatedDateTime,
    ecs: { version: ECS_VERSION },
    message: `${detectionName(d.riskEventType)} for ${d.userPrincipalName || d.userId}: risk ${d.riskLevel}, ${d.riskState}`,
    event: {
      kind: 'alert',
      category: d.activity === 'signin' ? ['authentication', 'iam'] : ['iam'],
      type: ['info'],
      action: d.riskEventType,
      id: d.id,
      provider: 'Microsoft Entra ID Protection',
      dataset: 'entra.risk_detection',
      severity: ecsSeverity(d.riskLevel),
      reason: detectionName(d.riskEventType),
      created: d.detectedDateTime,
      start: d.activityDateTime,
      url: GUIDISH.test(d.userId) ? PORTAL.user(d.userId) : undefined,
      risk_score: user?.score,
    },
    user: { id: d.userId, name: d.userPrincipalName, full_name: d.userDisplayName, domain: upnDomain },
    source: {
      ip: isIp ? d.ipAddress : undefined,
      address: d.ipAddress,
      geo: d.location
        ? {
            city_name: d.location.city,
            region_name: d.location.state,
            country_iso_code: d.location.countryOrRegion,
            location:
              d.location.latitude !== null && d.location.longitude !== null
                ? { lat: d.location.latitude, lon: d.location.longitude }
                : undefined,
          }
        : undefined,
    },
    user_agent: { original: d.userAgent },
    related: { ip: isIp ? [d.ipAddress] : undefined, user: [d.userPrincipalName, d.userId] },
    cloud: { provider: 'azure' },
    observer: { vendor: 'Microsoft', product: 'Entra ID Protection' },
    agent: { type: 'hybrid-toolbox', version: opts.productVersion },
    azure: {
      identity_protection: {
        risk_event_type: d.riskEventType,
        risk_level: d.riskLevel,
        risk_state: d.riskState,
        risk_detail: d.riskDetail,
        detection_timing_type: d.detectionTimingType,
        activity: d.activity,
        source: d.source,
        token_issuer_type: d.tokenIssuerType,
        request_id: d.requestId,
        correlation_id: d.correlationId,
        last_updated: d.lastUpdatedDateTime,
        additional_info: d.additionalInfo
          ? d.additionalInfo.map((e) => ({ key: e.key, value: e.value }))
          : d.additionalInfoRaw,
      },
    },
    hybrid_toolbox: user
      ? {
          priority: user.priority,
          score: user.score,
          synced_from_ad: user.isSynced,
          admin_roles: user.adminRoles,
        }
      : undefined,
  };
  return compact(event) ?? {};
}

/** One JSON object per line. JSON.stringify escapes every control character, so a value cannot break a line. */
export function toNdjson(result: TriageResult, opts: FormatOptions = {}): string {
  return contexts(result)
    .map((c) => JSON.stringify(ecsEvent(c, opts)) + '\n')
    .join('');
}

/** The AADUserRiskEvents columns Log Analytics fills from the data (system columns such as TenantId are its own). */
export const SENTINEL_COLUMNS = [
  'TimeGenerated',
  'Activity',
  'ActivityDateTime',
  'AdditionalInfo',
  'CorrelationId',
  'DetectedDateTime',
  'DetectionTimingType',
  'Id',
  'IpAddress',
  'LastUpdatedDateTime',
  'Location',
  'OperationName',
  'RequestId',
  'RiskDetail',
  'RiskEventType',
  'RiskLevel',
  'RiskState',
  'Source',
  'TokenIssuerType',
  'UserDisplayName',
  'UserId',
  'UserPrincipalName',
] as const;

export function sentinelRecord({
  detection: d,
}: EventContext): Record<(typeof SENTINEL_COLUMNS)[number], unknown> {
  const nul = (s: string) => (s === '' ? null : s);
  return {
    TimeGenerated: d.detectedDateTime ?? d.activityDateTime ?? d.lastUpdatedDateTime,
    Activity: nul(d.activity),
    ActivityDateTime: d.activityDateTime,
    AdditionalInfo: d.additionalInfo
      ? d.additionalInfo.map((e) => ({ Key: e.key, Value: e.value }))
      : d.additionalInfoRaw,
    CorrelationId: nul(d.correlationId),
    DetectedDateTime: d.detectedDateTime,
    DetectionTimingType: nul(d.detectionTimingType),
    Id: d.id,
    IpAddress: nul(d.ipAddress),
    LastUpdatedDateTime: d.lastUpdatedDateTime,
    Location: d.location
      ? {
          city: d.location.city,
          state: d.location.state,
          countryOrRegion: d.location.countryOrRegion,
          geoCoordinates:
            d.location.latitude !== null || d.location.longitude !== null
              ? { latitude: d.location.latitude, longitude: d.location.longitude }
              : null,
        }
      : null,
    OperationName: 'User Risk Detection',
    RequestId: nul(d.requestId),
    RiskDetail: nul(d.riskDetail),
    RiskEventType: nul(d.riskEventType),
    RiskLevel: nul(d.riskLevel),
    RiskState: nul(d.riskState),
    Source: nul(d.source),
    TokenIssuerType: nul(d.tokenIssuerType),
    UserDisplayName: nul(d.userDisplayName),
    UserId: nul(d.userId),
    UserPrincipalName: nul(d.userPrincipalName),
  };
}

/** A JSON array for the Logs Ingestion API / a custom table with the AADUserRiskEvents columns. */
export function toSentinel(result: TriageResult): string {
  return JSON.stringify(contexts(result).map(sentinelRecord), null, 2) + '\n';
}

export const HEC_SOURCE = 'hybrid-toolbox:risk-triage';

export function hecEvent({ detection: d, user }: EventContext): Record<string, unknown> {
  const t = epochMs(d.detectedDateTime ?? d.activityDateTime ?? d.lastUpdatedDateTime);
  const fields: Record<string, string> = {};
  if (d.riskLevel) fields.risk_level = d.riskLevel;
  if (d.riskEventType) fields.risk_event_type = d.riskEventType;
  if (d.userPrincipalName) fields.user = d.userPrincipalName;
  if (user) fields.priority = `P${user.priority}`;
  return {
    ...(t !== undefined ? { time: Math.round(t) / 1000 } : {}),
    source: HEC_SOURCE,
    sourcetype: '_json',
    event: {
      id: d.id,
      riskEventType: d.riskEventType,
      riskEventName: detectionName(d.riskEventType),
      riskLevel: d.riskLevel,
      riskState: d.riskState,
      riskDetail: d.riskDetail,
      detectionTimingType: d.detectionTimingType,
      activity: d.activity,
      source: d.source,
      tokenIssuerType: d.tokenIssuerType,
      activityDateTime: d.activityDateTime,
      detectedDateTime: d.detectedDateTime,
      lastUpdatedDateTime: d.lastUpdatedDateTime,
      userId: d.userId,
      userPrincipalName: d.userPrincipalName,
      userDisplayName: d.userDisplayName,
      ipAddress: d.ipAddress || null,
      location: d.location,
      userAgent: d.userAgent,
      requestId: d.requestId || null,
      correlationId: d.correlationId || null,
      additionalInfo: d.additionalInfo ?? d.additionalInfoRaw,
      userPriority: user?.priority ?? null,
      userScore: user?.score ?? null,
      userRiskLevel: user?.riskLevel ?? null,
      userRiskState: user?.riskState ?? null,
      isSyncedFromAd: user?.isSynced ?? null,
    },
    fields,
  };
}

/** HEC's batch format: event objects one after another, here one per line, ready for `/services/collector/event`. */
export function toHec(result: TriageResult): string {
  return contexts(result)
    .map((c) => JSON.stringify(hecEvent(c)) + '\n')
    .join('');
}

export type OutputFormat = 'cef' | 'ndjson' | 'sentinel' | 'hec' | 'tickets' | 'tickets-md';

export const OUTPUTS: Record<OutputFormat, { label: string; filename: string; mime: string }> = {
  tickets: { label: 'Tickets (text)', filename: 'risk-tickets.txt', mime: 'text/plain;charset=utf-8' },
  'tickets-md': {
    label: 'Tickets (Markdown)',
    filename: 'risk-tickets.md',
    mime: 'text/markdown;charset=utf-8',
  },
  cef: { label: 'CEF', filename: 'risk-detections.cef', mime: 'text/plain;charset=utf-8' },
  ndjson: { label: 'ECS JSON lines', filename: 'risk-detections.ecs.ndjson', mime: 'application/x-ndjson' },
  sentinel: {
    label: 'Sentinel (AADUserRiskEvents)',
    filename: 'risk-detections.sentinel.json',
    mime: 'application/json',
  },
  hec: { label: 'Splunk HEC', filename: 'risk-detections.hec.json', mime: 'application/json' },
};

export function render(
  format: OutputFormat,
  result: TriageResult,
  users: readonly TriagedUser[],
  opts: FormatOptions = {},
): string {
  switch (format) {
    case 'tickets':
      return ticketsPlain(users);
    case 'tickets-md':
      return ticketsMarkdown(users);
    case 'cef':
      return toCef(result, opts);
    case 'ndjson':
      return toNdjson(result, opts);
    case 'sentinel':
      return toSentinel(result);
    case 'hec':
      return toHec(result);
  }
}
