/**
 * "Try with sample data": Identity Protection as Graph returns it for a fictional tenant — riskyUsers and
 * riskDetections pages, plus the users page that tells synced accounts and admin roles — so a first visit shows
 * the queue, the tickets and the SIEM events before anyone exports anything. Loaded by the view on demand.
 */
import { seededRandom } from '../../lib/seeded-random.ts';
import { sampleName } from '../../lib/sample-names.ts';

export const SAMPLE_RISKY_USERS = 240;

const LEVELS = ['high', 'medium', 'medium', 'low', 'low', 'hidden'] as const;
const STATES = ['atRisk', 'atRisk', 'atRisk', 'atRisk', 'confirmedCompromised', 'remediated', 'dismissed'];
const EVENTS = [
  'unfamiliarFeatures',
  'unfamiliarFeatures',
  'anonymizedIPAddress',
  'leakedCredentials',
  'passwordSpray',
  'unlikelyTravel',
  'maliciousIPAddress',
  'suspiciousInboxForwarding',
  'mfaFraud',
];
const PLACES = [
  { city: 'Seattle', state: 'Washington', countryOrRegion: 'US' },
  { city: 'Dresden', state: 'Sachsen', countryOrRegion: 'DE' },
  { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG' },
  { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL' },
  { city: 'Singapore', state: 'Singapore', countryOrRegion: 'SG' },
];
const ROLES = [
  ['Global Administrator', '62e90394-69f5-4237-9190-012177145e10'],
  ['Exchange Administrator', '29232cdf-9323-42fd-ade2-1d097af3e4de'],
  ['Helpdesk Administrator', '729827e3-9c14-49f7-bb1b-9608f156bbb8'],
] as const;
const DAY = 86_400_000;

function guid(rand: () => number): string {
  const h = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${h(8)}-${h(4)}-4${h(3)}-${'89ab'[Math.floor(rand() * 4)]}${h(3)}-${h(12)}`;
}

const page = (context: string, value: object[]) =>
  JSON.stringify(
    { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`, value },
    null,
    1,
  );

/** The three pages as Graph JSON texts; times fall in the 30 days before `now`. */
export function sampleJson(
  now = Date.now(),
  seed = 3,
): { riskyUsers: string; detections: string; users: string } {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const iso = (ms: number) => new Date(ms).toISOString();
  const riskyUsers: object[] = [];
  const detections: object[] = [];
  const users: object[] = [];
  for (let i = 0; i < SAMPLE_RISKY_USERS; i++) {
    const id = guid(rand);
    const { first, last, round: n } = sampleName(i);
    const name = `${first} ${last}${n ? ` ${n + 1}` : ''}`;
    const upn = `${first}.${last}${n ? n + 1 : ''}@contoso.example`.toLowerCase();
    const level = pick(LEVELS);
    const state = pick(STATES);
    const updated = now - Math.floor(rand() * 30 * DAY);
    riskyUsers.push({
      id,
      isDeleted: false,
      isProcessing: false,
      riskLastUpdatedDateTime: iso(updated),
      riskLevel: state === 'remediated' || state === 'dismissed' ? 'none' : level,
      riskState: state,
      riskDetail:
        state === 'remediated'
          ? 'userPerformedSecuredPasswordReset'
          : state === 'dismissed'
            ? 'adminDismissedAllRiskForUser'
            : level === 'hidden'
              ? 'hidden'
              : 'none',
      userDisplayName: name,
      userPrincipalName: upn,
    });
    const count = 1 + Math.floor(rand() ** 2 * 5);
    for (let k = 0; k < count; k++) {
      const at = updated - Math.floor(rand() * 3 * DAY);
      const event = pick(EVENTS);
      const offline = event === 'leakedCredentials' || event === 'passwordSpray';
      detections.push({
        id: `${id.slice(0, 8)}${k}`,
        requestId: offline ? '' : guid(rand),
        correlationId: offline ? '' : guid(rand),
        riskEventType: event,
        riskState: state === 'confirmedCompromised' ? 'confirmedCompromised' : state,
        riskLevel: level === 'hidden' ? 'hidden' : pick(['high', 'medium', 'low']),
        riskDetail: 'none',
        source: event === 'suspiciousInboxForwarding' ? 'MicrosoftCloudAppSecurity' : 'IdentityProtection',
        detectionTimingType: offline ? 'offline' : 'realtime',
        activity: offline ? 'user' : 'signin',
        tokenIssuerType: 'AzureAD',
        ipAddress: offline ? null : `203.0.113.${1 + Math.floor(rand() * 250)}`,
        location: offline ? null : { ...pick(PLACES), geoCoordinates: null },
        activityDateTime: iso(at - 60_000),
        detectedDateTime: iso(at),
        lastUpdatedDateTime: iso(at),
        userId: id,
        userDisplayName: name,
        userPrincipalName: upn,
        additionalInfo: null,
      });
    }
    const synced = rand() < 0.7;
    const role = rand() < 0.06 ? pick(ROLES) : undefined;
    users.push({
      id,
      userPrincipalName: upn,
      displayName: name,
      accountEnabled: rand() > 0.05,
      onPremisesSyncEnabled: synced ? true : null,
      onPremisesSamAccountName: synced ? `${first[0]}${last}`.toLowerCase() : null,
      onPremisesDomainName: synced ? 'corp.contoso.example' : null,
      onPremisesDistinguishedName: synced ? `CN=${name},OU=Staff,DC=corp,DC=contoso,DC=example` : null,
      transitiveMemberOf: role
        ? [
            {
              '@odata.type': '#microsoft.graph.directoryRole',
              id: guid(rand),
              displayName: role[0],
              roleTemplateId: role[1],
            },
          ]
        : [],
    });
  }
  return {
    riskyUsers: page('identityProtection/riskyUsers', riskyUsers),
    detections: page('identityProtection/riskDetections', detections),
    users: page('users', users),
  };
}

export function sampleFiles(now = Date.now()): File[] {
  const j = sampleJson(now);
  return [
    new File([j.riskyUsers], 'sample-risky-users.json', { type: 'application/json' }),
    new File([j.detections], 'sample-risk-detections.json', { type: 'application/json' }),
    new File([j.users], 'sample-users.json', { type: 'application/json' }),
  ];
}
