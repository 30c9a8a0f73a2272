/**
 * Attribute checks in IdFix's spirit, on sync candidates only: each finding carries the value, the rule it
 * breaks and a fix. Rules from Microsoft's directory preparation guidance for synchronisation: UPN at most 113
 * characters, 64 before `@` and 48 after, letters, digits and ' . - _ ! # ^ ~ only, no period at the end of the
 * prefix, a routable suffix; proxy values at most 256 characters, no whitespace or < > ( ) ; , [ ] ".
 */
import type { AdUser, AttributeCheckCode, AttributeFinding } from './model.ts';
import { smtpProxy } from './values.ts';

const NON_ROUTABLE = [
  'local',
  'lan',
  'internal',
  'intranet',
  'intra',
  'corp',
  'localdomain',
  'home',
  'private',
  'domain',
  'localhost',
];

const UPN_LOCAL_OK = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.-_!#^~")
  UPN_LOCAL_OK[c.charCodeAt(0)] = 1;
const DOMAIN_OK = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-')
  DOMAIN_OK[c.charCodeAt(0)] = 1;
const ADDRESS_BAD = new Set([...' \t\\<>();,[]"']);
const NICK_BAD = new Set([...' \t\\!#$%&*+/=?^`{}|~<>()\';:,[]"@']);
const SAM_BAD = new Set([...'[]\\"|,/:<>+=;?*']);

export const MAX_PROXIES = 300;

export function isNonRoutable(domain: string): boolean {
  const d = domain.toLowerCase();
  const dot = d.lastIndexOf('.');
  if (dot === -1) return true;
  return NON_ROUTABLE.includes(d.slice(dot + 1));
}

function badChars(s: string, ok: Uint8Array): string[] {
  let k = 0;
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 128 || !ok[c]) break;
  }
  if (k === s.length) return [];
  const bad = new Set<string>();
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 128 || !ok[c]) bad.add(ch);
  }
  return [...bad];
}

function show(chars: readonly string[]): string {
  return chars.map((c) => (c === ' ' ? 'space' : /\s/.test(c) ? 'whitespace' : `"${c}"`)).join(', ');
}

/** Mail-style address problems; '' when fine. */
export function addressProblem(address: string): string {
  const at = address.indexOf('@');
  if (at <= 0 || at !== address.lastIndexOf('@') || at === address.length - 1)
    return 'needs exactly one @ with text on both sides';
  for (let k = 0; k < address.length; k++) {
    if (ADDRESS_BAD.has(address[k]!))
      return `contains ${show([...new Set([...address].filter((ch) => ADDRESS_BAD.has(ch)))])}`;
  }
  if (address.indexOf('.', at) === -1) return 'the domain has no dot';
  return '';
}

export function checkAttributes(
  ad: readonly AdUser[],
  isCandidate: readonly boolean[],
  upnConflictUsers: ReadonlySet<number>,
): AttributeFinding[] {
  const out: AttributeFinding[] = [];
  for (let i = 0; i < ad.length; i++) if (isCandidate[i]) checkUser(ad[i]!, upnConflictUsers.has(i), out);
  return out;
}

function checkUser(u: AdUser, isInUpnConflict: boolean, out: AttributeFinding[]): void {
  const add = (
    code: AttributeCheckCode,
    severity: AttributeFinding['severity'],
    attribute: string,
    value: string,
    rule: string,
    fix: string,
  ) => out.push({ ad: u.i, code, severity, attribute, value, rule, fix });
  const spaced = (attribute: string, value: string) => {
    if (value && value !== value.trim()) {
      add(
        'leading-trailing-space',
        'error',
        attribute,
        value,
        'no leading or trailing spaces',
        `Set ${attribute} to "${value.trim()}".`,
      );
    }
  };

  const upn = u.upn;
  spaced('userPrincipalName', upn);
  const t = upn.trim();
  if (!t) {
    add(
      'upn-blank',
      'warning',
      'userPrincipalName',
      '',
      'every synced user needs a UPN',
      'Entra Connect then builds sAMAccountName@<AD domain>, usually a non-routable name: set a UPN with a verified domain suffix.',
    );
    if (u.sam) {
      const bad = [...new Set([...u.sam].filter((ch) => SAM_BAD.has(ch)))];
      if (bad.length || u.sam.length > 20) {
        add(
          'sam-invalid',
          'error',
          'sAMAccountName',
          u.sam,
          'at most 20 characters, none of [ ] \\ " | , / : < > + = ; ? *',
          'Rename the account or set a valid UPN.',
        );
      }
    }
  } else {
    const at = t.lastIndexOf('@');
    if (at <= 0 || at === t.length - 1) {
      add(
        'upn-no-at',
        'error',
        'userPrincipalName',
        t,
        'prefix@suffix, with text on both sides of @',
        'Set the UPN to name@verified-domain.',
      );
    } else {
      const local = t.slice(0, at);
      const domain = t.slice(at + 1);
      const bad = [...badChars(local, UPN_LOCAL_OK), ...badChars(domain, DOMAIN_OK)];
      if (bad.length) {
        add(
          'upn-invalid-char',
          'error',
          'userPrincipalName',
          t,
          "letters A–Z, digits and ' . - _ ! # ^ ~ only (no spaces, umlauts or accents)",
          `Remove or replace ${show([...new Set(bad)])}.`,
        );
      }
      if (t.length > 113)
        add(
          'upn-too-long',
          'error',
          'userPrincipalName',
          t,
          'at most 113 characters',
          `Shorten it by ${t.length - 113} characters.`,
        );
      if (local.length > 64) {
        add(
          'upn-prefix-too-long',
          'error',
          'userPrincipalName',
          t,
          'at most 64 characters before @',
          `Shorten the prefix by ${local.length - 64} characters.`,
        );
      }
      if (domain.length > 48) {
        add(
          'upn-domain-too-long',
          'error',
          'userPrincipalName',
          t,
          'at most 48 characters after @',
          'Use a shorter verified domain as suffix.',
        );
      }
      if (isInUpnConflict && local.length > 48) {
        add(
          'upn-quarantine-prefix',
          'warning',
          'userPrincipalName',
          t,
          'a quarantined UPN keeps at most 48 characters of the prefix before its 4 digits',
          'Resolve the UPN conflict; until then the placeholder UPN will not resemble this one.',
        );
      }
      if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
        add(
          'upn-bad-period',
          'error',
          'userPrincipalName',
          t,
          'the prefix may not start or end with a period, nor hold two in a row',
          'Remove the extra period.',
        );
      }
      if (isNonRoutable(domain)) {
        add(
          'upn-non-routable',
          'error',
          'userPrincipalName',
          t,
          'a routable suffix that is a verified domain in the tenant',
          `Add a routable UPN suffix in AD Domains and Trusts and change the UPN; with "${domain}" Entra gives the user <prefix>@<tenant>.onmicrosoft.com.`,
        );
      }
    }
  }

  const mail = u.mail;
  spaced('mail', mail);
  if (mail.trim()) {
    const problem = addressProblem(mail.trim());
    if (problem)
      add('mail-malformed', 'error', 'mail', mail, `an SMTP address: ${problem}`, 'Correct the address.');
    else if (isNonRoutable(mail.trim().slice(mail.trim().lastIndexOf('@') + 1))) {
      add(
        'mail-non-routable',
        'warning',
        'mail',
        mail,
        'a routable domain',
        'Use an address in a verified domain.',
      );
    }
  }

  const dn = u.displayName;
  spaced('displayName', dn);
  if (!dn.trim())
    add(
      'displayname-blank',
      'warning',
      'displayName',
      '',
      'a display name',
      'Set displayName: it is what people see in Entra and the address book.',
    );
  else if (dn.length > 256)
    add(
      'displayname-too-long',
      'error',
      'displayName',
      dn,
      'at most 256 characters',
      `Shorten it by ${dn.length - 256} characters.`,
    );

  const nick = u.mailNickname;
  if (nick) {
    spaced('mailNickname', nick);
    const n = nick.trim();
    let hasBad = false;
    for (let k = 0; k < n.length && !hasBad; k++) hasBad = NICK_BAD.has(n[k]!);
    if (n.startsWith('.') || n.endsWith('.') || hasBad || n.length > 64) {
      add(
        'mailnickname-invalid',
        'error',
        'mailNickname',
        nick,
        'at most 64 characters, no period at either end, no whitespace or \\ ! # $ % & * + / = ? ^ ` { } | ~ < > ( ) \' ; : , [ ] " @',
        'Correct the alias.',
      );
    }
  }

  checkProxies(u, add);
}

type Add = (
  code: AttributeCheckCode,
  severity: AttributeFinding['severity'],
  attribute: string,
  value: string,
  rule: string,
  fix: string,
) => void;

function checkProxies(u: AdUser, add: Add): void {
  const proxies = u.proxies;
  if (proxies.length === 0) return;
  if (proxies.length > MAX_PROXIES) {
    add(
      'proxy-too-many',
      'warning',
      'proxyAddresses',
      `${proxies.length} values`,
      `about ${MAX_PROXIES} values at most`,
      'Remove addresses nobody uses any more.',
    );
  }
  const seen = new Set<string>();
  let primaries = 0;
  let smtps = 0;
  for (const raw of proxies) {
    const key = raw.trim().toLowerCase();
    if (seen.has(key))
      add(
        'proxy-duplicate-in-user',
        'warning',
        'proxyAddresses',
        raw,
        'each value once',
        `Remove the second "${raw}".`,
      );
    seen.add(key);
    if (raw.length > 256)
      add(
        'proxy-too-long',
        'error',
        'proxyAddresses',
        raw,
        'at most 256 characters per value',
        'Shorten or remove it.',
      );
    if (raw.indexOf(':') <= 0) {
      add(
        'proxy-malformed',
        'error',
        'proxyAddresses',
        raw,
        'type:address, e.g. smtp:name@domain',
        `Write it as smtp:${raw.trim()} (or SMTP: for the primary address).`,
      );
      continue;
    }
    const p = smtpProxy(raw.trim());
    if (!p) continue;
    smtps++;
    if (p.isPrimary) primaries++;
    const problem = addressProblem(raw.trim().slice(5));
    if (problem)
      add(
        'proxy-malformed',
        'error',
        'proxyAddresses',
        raw,
        `an SMTP address: ${problem}`,
        'Correct or remove it.',
      );
    else if (isNonRoutable(p.address.slice(p.address.lastIndexOf('@') + 1))) {
      add(
        'proxy-non-routable',
        'warning',
        'proxyAddresses',
        raw,
        'a routable domain',
        'Entra drops addresses in domains it cannot verify: remove it.',
      );
    }
  }
  if (primaries > 1)
    add(
      'proxy-several-primary',
      'error',
      'proxyAddresses',
      `${primaries} × SMTP:`,
      'one primary (SMTP:) address',
      'Keep one SMTP: and write the others as smtp:.',
    );
  else if (smtps > 0 && primaries === 0) {
    add(
      'proxy-no-primary',
      'warning',
      'proxyAddresses',
      `${smtps} × smtp:`,
      'one primary (SMTP:) address',
      'Mark the main address as SMTP: (upper case).',
    );
  }
}
