/**
 * Graph's enum values (riskState, riskLevel, riskDetail, detectionTimingType, activity, …) as words for people:
 * the one mapping every view and the ticket use. SIEM events keep the raw values, which their parsers expect.
 */
const WORDS: Record<string, string> = {
  // Every evolvable Graph enum ends in this sentinel: a value added after this tool was written.
  unknownFutureValue: 'unknown (a value newer than this tool)',
  none: 'none',
  // riskState
  atRisk: 'at risk',
  confirmedCompromised: 'confirmed compromised',
  confirmedSafe: 'confirmed safe',
  remediated: 'remediated',
  dismissed: 'dismissed',
  // riskLevel
  low: 'low',
  medium: 'medium',
  high: 'high',
  hidden: 'hidden (needs Entra ID P2)',
  // riskDetail
  adminGeneratedTemporaryPassword: 'admin set a temporary password',
  userPerformedSecuredPasswordChange: 'user changed the password securely',
  userPerformedSecuredPasswordReset: 'user reset the password securely (SSPR)',
  adminConfirmedSigninSafe: 'admin confirmed the sign-in safe',
  aiConfirmedSigninSafe: 'Identity Protection confirmed the sign-in safe',
  userPassedMFADrivenByRiskBasedPolicy: 'user passed MFA asked by a risk policy',
  adminDismissedAllRiskForUser: 'admin dismissed all risk for the user',
  adminConfirmedSigninCompromised: 'admin confirmed the sign-in compromised',
  adminConfirmedUserCompromised: 'admin confirmed the user compromised',
  m365DAdminDismissedDetection: 'Microsoft 365 Defender admin dismissed the detection',
  adminConfirmedServicePrincipalCompromised: 'admin confirmed the service principal compromised',
  adminDismissedAllRiskForServicePrincipal: 'admin dismissed all risk for the service principal',
  userChangedPasswordOnPremises: 'user changed the password on-premises',
  adminDismissedRiskForSignIn: 'admin dismissed the sign-in risk',
  adminConfirmedAccountSafe: 'admin confirmed the account safe',
  // detectionTimingType
  notDefined: 'timing not given',
  realtime: 'real-time',
  nearRealtime: 'near real-time',
  offline: 'offline',
  // activity
  signin: 'sign-in',
  user: 'user',
  servicePrincipal: 'service principal',
};

/** `atRisk` → "at risk"; a value not in the table is split at its capitals (`someNewValue` → "some new value"). */
export function graphWord(value: string | null | undefined): string {
  if (!value) return '';
  if (Object.hasOwn(WORDS, value)) return WORDS[value]!;
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/\b([A-Z])([a-z])/g, (_, a: string, b: string) => a.toLowerCase() + b);
}
