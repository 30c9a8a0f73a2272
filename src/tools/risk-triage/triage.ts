/**
 * Triage: detections joined to their users, each user scored by rules an admin can read and change, and a
 * priority from the score. Every point given is listed with its reason, so a priority can always be explained.
 */
import { InputError } from '../../lib/issue.ts';
import { isPlausibleDate } from './parse.ts';
import { graphWord } from './graph-words.ts';
import type {
  DirectoryUser,
  ParsedRiskData,
  Priority,
  RiskDetection,
  RiskIssue,
  RiskySignIn,
  RiskyUser,
  ScoreReason,
  TriagedUser,
  TriageResult,
  TriageRules,
  TriageStats,
} from './types.ts';

/** Names of the detection types for people; a type Graph adds later is shown as Graph wrote it. */
export const DETECTION_NAMES: Record<string, string> = {
  adminConfirmedUserCompromised: 'Admin confirmed user compromised',
  anomalousToken: 'Anomalous token',
  anomalousUserActivity: 'Anomalous user activity',
  anonymizedIPAddress: 'Anonymous IP address',
  attackerinTheMiddle: 'Attacker in the middle',
  generic: 'Additional risk detected',
  impossibleTravel: 'Impossible travel',
  investigationsThreatIntelligence: 'Microsoft Entra threat intelligence',
  leakedCredentials: 'Leaked credentials',
  maliciousIPAddress: 'Malicious IP address',
  malwareInfectedIPAddress: 'Malware-linked IP address',
  mcasSuspiciousInboxManipulationRules: 'Suspicious inbox manipulation rules',
  mfaFraud: 'MFA fraud',
  newCountry: 'New country',
  nationStateIP: 'Nation-state IP address',
  passwordSpray: 'Password spray',
  riskyIPAddress: 'Activity from a risky IP address',
  suspiciousAPITraffic: 'Suspicious API traffic',
  suspiciousBrowser: 'Suspicious browser',
  suspiciousInboxForwarding: 'Suspicious inbox forwarding',
  suspiciousIPAddress: 'Suspicious IP address',
  suspiciousSendingPatterns: 'Suspicious sending patterns',
  tokenIssuerAnomaly: 'Token issuer anomaly',
  unfamiliarFeatures: 'Unfamiliar sign-in properties',
  unlikelyTravel: 'Atypical travel',
  userReportedSuspiciousActivity: 'User reported suspicious activity',
};

/** A table entry for a value read from a file: `constructor` or `toString` are not Object's own members. */
function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function detectionName(type: string): string {
  return lookup(DETECTION_NAMES, type) ?? (type || 'Unknown detection');
}

/** The default rules. Documented in docs/risk-triage.md; the view and `--rules` can change any number. */
export const DEFAULT_RULES: TriageRules = {
  levelPoints: { high: 40, medium: 25, low: 10, hidden: 20, none: 0 },
  otherLevelPoints: 15,
  confirmedCompromisedPoints: 40,
  atRiskPoints: 5,
  kindPoints: {
    adminConfirmedUserCompromised: 40,
    leakedCredentials: 25,
    anomalousToken: 25,
    tokenIssuerAnomaly: 25,
    attackerinTheMiddle: 25,
    investigationsThreatIntelligence: 20,
    passwordSpray: 20,
    mfaFraud: 20,
    userReportedSuspiciousActivity: 20,
    nationStateIP: 20,
    maliciousIPAddress: 15,
    suspiciousInboxForwarding: 15,
    mcasSuspiciousInboxManipulationRules: 15,
    suspiciousSendingPatterns: 15,
    suspiciousAPITraffic: 10,
    malwareInfectedIPAddress: 10,
    impossibleTravel: 10,
    unlikelyTravel: 10,
    suspiciousIPAddress: 10,
    anomalousUserActivity: 10,
    anonymizedIPAddress: 5,
    riskyIPAddress: 5,
    unfamiliarFeatures: 5,
    newCountry: 5,
    suspiciousBrowser: 5,
    generic: 5,
  },
  unknownKindPoints: 10,
  extraKindPoints: 5,
  extraKindCap: 15,
  perDetectionPoints: 2,
  perDetectionCap: 10,
  recency: [
    { hours: 24, points: 15 },
    { hours: 24 * 7, points: 8 },
    { hours: 24 * 30, points: 3 },
  ],
  adminPoints: 25,
  thresholds: { p1: 80, p2: 50, p3: 25 },
  closedStates: ['remediated', 'dismissed', 'confirmedSafe'],
};

const LEVEL_ORDER: Record<string, number> = { none: 0, low: 1, medium: 2, high: 3 };

function badRules(message: string): InputError<RiskIssue['code']> {
  return new InputError<RiskIssue['code']>({ code: 'bad-rules', severity: 'error', message });
}

/** Merges partial rules (from the view or a JSON file) over the defaults; throws an InputError on a wrong type. */
export function mergeRules(partial: unknown, base: TriageRules = DEFAULT_RULES): TriageRules {
  if (partial === undefined || partial === null) return base;
  if (typeof partial !== 'object' || Array.isArray(partial)) throw badRules('Rules must be a JSON object.');
  const p = partial as Record<string, unknown>;
  const out: TriageRules = structuredClone(base);
  const num = (k: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badRules(`"${k}" must be a number.`);
    return v;
  };
  const numMap = (k: string, v: unknown, into: Record<string, number>) => {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw badRules(`"${k}" must be an object of numbers.`);
    for (const [key, n] of Object.entries(v)) into[key] = num(`${k}.${key}`, n);
  };
  for (const [k, v] of Object.entries(p)) {
    switch (k) {
      case 'levelPoints':
        numMap(k, v, out.levelPoints);
        break;
      case 'kindPoints':
        numMap(k, v, out.kindPoints);
        break;
      case 'thresholds': {
        const t: Record<string, number> = { ...out.thresholds };
        numMap(k, v, t);
        out.thresholds = { p1: t.p1!, p2: t.p2!, p3: t.p3! };
        break;
      }
      case 'recency':
        if (!Array.isArray(v)) throw badRules('"recency" must be a list of {hours, points}.');
        out.recency = v.map((r, i) => {
          const o = (r ?? {}) as Record<string, unknown>;
          return {
            hours: num(`recency[${i}].hours`, o.hours),
            points: num(`recency[${i}].points`, o.points),
          };
        });
        break;
      case 'closedStates':
        if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
          throw badRules('"closedStates" must be a list of strings.');
        out.closedStates = v as string[];
        break;
      case 'otherLevelPoints':
      case 'confirmedCompromisedPoints':
      case 'atRiskPoints':
      case 'unknownKindPoints':
      case 'extraKindPoints':
      case 'extraKindCap':
      case 'perDetectionPoints':
      case 'perDetectionCap':
      case 'adminPoints':
        out[k] = num(k, v);
        break;
      default:
        throw badRules(`Unknown rule "${k}".`);
    }
  }
  return out;
}

function time(s: string | null): number {
  return s ? Date.parse(s) : Number.NaN;
}

function detectedAt(d: RiskDetection): string | null {
  return d.detectedDateTime ?? d.activityDateTime ?? d.lastUpdatedDateTime;
}

/**
 * The one definition of "open", for a user's riskState and a detection's alike: atRisk or confirmedCompromised, and
 * a state this tool does not know (unknownFutureValue, or one Graph adds later) so that nothing new is hidden; never
 * none, nor a state the rules close (remediated, dismissed, confirmedSafe by default). The queue's filter, the
 * cards, the counts and the ticket all read it.
 */
export function isOpenState(state: string, rules: { readonly closedStates: readonly string[] }): boolean {
  return state !== 'none' && !rules.closedStates.includes(state);
}

function isOpenDetection(d: RiskDetection, rules: TriageRules): boolean {
  return isOpenState(d.riskState, rules);
}

function hoursText(h: number): string {
  if (h < 1) return 'less than an hour';
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} days`;
}

function priorityOf(score: number, rules: TriageRules): Priority {
  const t = rules.thresholds;
  return score >= t.p1 ? 1 : score >= t.p2 ? 2 : score >= t.p3 ? 3 : 4;
}

interface UserInput {
  id: string;
  risky?: RiskyUser;
  dir?: DirectoryUser;
  roles?: string[];
  detections: RiskDetection[];
  signIns: RiskySignIn[];
}

/** Scores one user. Pure: the same input and `now` always give the same result. */
export function scoreUser(input: UserInput, rules: TriageRules, now: number): TriagedUser {
  const { risky, dir } = input;
  const detections = [...input.detections].sort((a, b) =>
    (detectedAt(b) ?? '').localeCompare(detectedAt(a) ?? ''),
  );
  const open = detections.filter((d) => isOpenDetection(d, rules));
  const reasons: ScoreReason[] = [];
  // Each reason also in a few words, for the queue's "why" column.
  const shorts: { text: string; points: number }[] = [];
  const add = (text: string, points: number, short = text) => {
    if (!points) return;
    reasons.push({ text, points });
    shorts.push({ text: short, points });
  };

  // The user's level when Identity Protection gave one; else the worst open detection's.
  let level = risky?.riskLevel ?? '';
  if (!risky) {
    level = open.reduce(
      (worst, d) =>
        (lookup(LEVEL_ORDER, d.riskLevel) ?? -1) > (lookup(LEVEL_ORDER, worst) ?? -1) ? d.riskLevel : worst,
      'none',
    );
    if (open.some((d) => d.riskLevel === 'hidden') && level === 'none') level = 'hidden';
  }
  const levelPoints = lookup(rules.levelPoints, level) ?? rules.otherLevelPoints;
  add(
    level === 'hidden'
      ? 'Risk level hidden (needs Entra ID P2), counted as unknown'
      : `${risky ? 'User' : 'Worst open detection'} risk level ${level || 'unknown'}`,
    levelPoints,
    level === 'hidden' ? 'risk hidden' : `${level || 'unknown'} risk`,
  );

  const state = risky?.riskState ?? (open.length ? 'atRisk' : (detections[0]?.riskState ?? 'none'));
  const isCompromised =
    state === 'confirmedCompromised' || detections.some((d) => d.riskState === 'confirmedCompromised');
  if (isCompromised) add('Confirmed compromised', rules.confirmedCompromisedPoints, 'confirmed compromised');
  else if (state === 'atRisk') add('At risk, not yet remediated', rules.atRiskPoints, 'not remediated');

  const kinds = [...new Set(open.map((d) => d.riskEventType))];
  const kindPoint = (k: string) => lookup(rules.kindPoints, k) ?? rules.unknownKindPoints;
  const byWeight = [...kinds].sort((a, b) => kindPoint(b) - kindPoint(a));
  if (byWeight[0] !== undefined) {
    add(
      `${detectionName(byWeight[0])}${lookup(rules.kindPoints, byWeight[0]) === undefined ? ' (a detection type new to this tool)' : ''}`,
      kindPoint(byWeight[0]),
      detectionName(byWeight[0]),
    );
  }
  if (byWeight.length > 1) {
    add(
      `${byWeight.length - 1} more kind${byWeight.length > 2 ? 's' : ''} of detection`,
      Math.min(rules.extraKindCap, (byWeight.length - 1) * rules.extraKindPoints),
      `+${byWeight.length - 1} kind${byWeight.length > 2 ? 's' : ''}`,
    );
  }
  if (open.length > 1) {
    add(
      `${open.length} open detections`,
      Math.min(rules.perDetectionCap, (open.length - 1) * rules.perDetectionPoints),
      `${open.length} open`,
    );
  }

  const lastDetected = detections.map(detectedAt).find((t) => t) ?? null;
  // A date outside 1990…now+2 days (flagged where parsed) gives no recency and reopens nothing.
  const lastOpen = open.map(detectedAt).find((t) => t && isPlausibleDate(t, now)) ?? null;
  if (lastOpen) {
    const hours = (now - time(lastOpen)) / 3_600_000;
    const window = [...rules.recency].sort((a, b) => a.hours - b.hours).find((r) => hours <= r.hours);
    const ago = hoursText(Math.max(0, hours));
    if (window) add(`Newest open detection ${ago} ago`, window.points, `detected ${ago} ago`);
  }

  const roles = input.roles ?? dir?.roles ?? null;
  if (roles?.length)
    add(
      `Holds admin role${roles.length > 1 ? 's' : ''}: ${roles.join(', ')}`,
      rules.adminPoints,
      roles.length > 1 ? `${roles.length} admin roles` : roles[0],
    );

  // Identity Protection's state of the user decides; without a risky-user record, its open detections do.
  const isOpen = risky ? isOpenState(risky.riskState, rules) : open.length > 0;
  const score = reasons.reduce((s, r) => s + r.points, 0);
  const priority: Priority = isOpen ? priorityOf(score, rules) : 4;
  if (!isOpen) {
    reasons.push({ text: `Not open (${graphWord(state)}): priority 4 whatever the score`, points: 0 });
    const closedAt = risky?.riskLastUpdatedDateTime ?? null;
    const newer = open.filter((d) => {
      const t = detectedAt(d);
      return !!t && isPlausibleDate(t, now) && (!closedAt || t > closedAt);
    }).length;
    if (newer)
      reasons.push({
        text: `${newer} detection${newer > 1 ? 's' : ''} newer than the user's last risk update still say${newer > 1 ? '' : 's'} at risk: check the user in the Entra portal`,
        points: 0,
      });
  }
  const why = isOpen
    ? shorts
        .map((r, i) => ({ ...r, i }))
        .sort((a, b) => b.points - a.points || a.i - b.i)
        .slice(0, 3)
        .map((r) => r.text)
        .join(' · ')
    : `not open: ${graphWord(state)}`;

  const countries = [
    ...new Set(detections.map((d) => d.location?.countryOrRegion).filter((c): c is string => !!c)),
  ];
  const ips = [
    ...new Set(
      [...detections.map((d) => d.ipAddress), ...input.signIns.map((s) => s.ipAddress)].filter(Boolean),
    ),
  ];
  const first = detections[0];
  return {
    id: input.id,
    userPrincipalName: risky?.userPrincipalName || dir?.userPrincipalName || first?.userPrincipalName || '',
    displayName: risky?.userDisplayName || dir?.displayName || first?.userDisplayName || '',
    riskLevel: risky?.riskLevel ?? null,
    riskState: risky?.riskState ?? null,
    riskDetail: risky?.riskDetail ?? null,
    riskLastUpdatedDateTime: risky?.riskLastUpdatedDateTime ?? null,
    effectiveLevel: level || 'none',
    // Graph's null means "never synced": with a user record that is cloud-only; without one it is unknown.
    isSynced: dir ? dir.onPremisesSyncEnabled === true : null,
    onPremises:
      dir && dir.onPremisesSyncEnabled
        ? {
            samAccountName: dir.onPremisesSamAccountName,
            domainName: dir.onPremisesDomainName,
            distinguishedName: dir.onPremisesDistinguishedName,
          }
        : null,
    accountEnabled: dir?.accountEnabled ?? null,
    adminRoles: roles,
    detections,
    signIns: [...input.signIns].sort((a, b) =>
      (b.createdDateTime ?? '').localeCompare(a.createdDateTime ?? ''),
    ),
    // A closed user's detections are closed with it, whatever state the detection export still shows.
    openDetections: isOpen ? open.length : 0,
    kinds: [...new Set(detections.map((d) => d.riskEventType))],
    lastDetectedDateTime: lastDetected,
    countries,
    ipAddresses: ips,
    score,
    priority,
    reasons,
    why,
    isOpen,
    needsP2:
      level === 'hidden' ||
      risky?.riskDetail === 'hidden' ||
      detections.some((d) => d.riskLevel === 'hidden'),
  };
}

/** Joins detections and sign-ins to users (by id, else by UPN), scores everyone and sorts the queue. */
export function triage(
  data: ParsedRiskData,
  rules: TriageRules = DEFAULT_RULES,
  now = Date.now(),
): TriageResult {
  const byId = new Map<string, UserInput>();
  const idByUpn = new Map<string, string>();
  const dirById = new Map(data.users.map((u) => [u.id, u]));
  const ensure = (id: string, upn: string): UserInput => {
    const key = id || (upn && idByUpn.get(upn.toLowerCase())) || `upn:${upn.toLowerCase()}`;
    let u = byId.get(key);
    if (!u) {
      u = { id: key.startsWith('upn:') ? '' : key, detections: [], signIns: [] };
      byId.set(key, u);
    }
    if (upn) idByUpn.set(upn.toLowerCase(), key);
    return u;
  };
  for (const r of data.riskyUsers) ensure(r.id, r.userPrincipalName).risky = r;
  for (const d of data.detections) ensure(d.userId, d.userPrincipalName).detections.push(d);
  for (const s of data.signIns) ensure(s.userId, s.userPrincipalName).signIns.push(s);
  for (const u of byId.values()) {
    if (u.id) {
      u.dir = dirById.get(u.id);
      u.roles = lookup(data.roles, u.id) ?? u.dir?.roles ?? undefined;
    }
  }
  const users = [...byId.values()]
    .filter((u) => u.risky || u.detections.length)
    .map((u) => scoreUser(u, rules, now))
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        b.score - a.score ||
        (b.lastDetectedDateTime ?? '').localeCompare(a.lastDetectedDateTime ?? '') ||
        a.userPrincipalName.localeCompare(b.userPrincipalName),
    );
  const stats: TriageStats = {
    users: users.length,
    openUsers: users.filter((u) => u.isOpen).length,
    byPriority: { 1: 0, 2: 0, 3: 0, 4: 0 },
    detections: data.detections.length,
    openDetections: users.reduce((n, u) => n + u.openDetections, 0),
    synced: users.filter((u) => u.isSynced).length,
    admins: users.filter((u) => u.adminRoles?.length).length,
    hidden: users.filter((u) => u.needsP2).length,
    // Keys are detection types from the file: no prototype, so `__proto__` is a key like any other.
    byKind: Object.create(null) as Record<string, number>,
  };
  for (const u of users) stats.byPriority[u.priority]++;
  for (const d of data.detections)
    stats.byKind[d.riskEventType] = (lookup(stats.byKind, d.riskEventType) ?? 0) + 1;
  const issues: RiskIssue[] = [...data.issues];
  const detections = [...data.detections].sort((a, b) =>
    (detectedAt(b) ?? '').localeCompare(detectedAt(a) ?? ''),
  );
  return {
    users,
    detections,
    signIns: data.signIns,
    stats,
    files: data.files,
    issues,
    rules,
    evaluatedAt: new Date(now).toISOString(),
  };
}
