/**
 * Attribute checks in IdFix's spirit, on sync candidates only: each finding carries the value, the rule it
 * breaks and a fix. Rules from Microsoft's directory preparation guidance for synchronisation: UPN at most 113
 * characters, 64 before `@` and 48 after, letters, digits and ' . - _ ! # ^ ~ only, no period at the end of the
 * prefix, a routable suffix; proxy values at most 256 characters, no whitespace or < > ( ) ; , [ ] ".
 */
import type { AdUser, AttributeFinding } from './types.ts';

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
const ADDRESS_BAD = charTable(' \t\\<>();,[]"');
const NICK_BAD = charTable(' \t\\!#$%&*+/=?^`{}|~<>()\';:,[]"@');
const SAM_BAD = new Set([...'[]\\"|,/:<>+=;?*']);

/** ASCII characters as a lookup table: these checks run for every character of every address. */
function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}

/**
 * The same tests as regular expressions, for a whole string: the engine scans far faster than a loop over
 * charCodeAt on the sliced strings a CSV export becomes.
 */
const ADDRESS_BAD_RE = /[ \t\\<>();,[\]"]/;
const NICK_BAD_RE = /[ \t\\!#$%&*+/=?^`{}|~<>()';:,[\]"@]/;
const UPN_OK_RE = /^[A-Za-z0-9'._!#^~-]*@[A-Za-z0-9.-]*$/;

function hasChar(s: string, from: number, to: number, table: Uint8Array): boolean {
  if (from === 0 && to === s.length) {
    if (table === ADDRESS_BAD) return ADDRESS_BAD_RE.test(s);
    if (table === NICK_BAD) return NICK_BAD_RE.test(s);
  }
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 128 && table[c]) return true;
  }
  return false;
}

export const MAX_PROXIES = 300;

/** The non-routable suffixes by length, for a comparison that needs no lowercased copy. */
const NON_ROUTABLE_BY_LENGTH: (string[] | undefined)[] = [];
for (const d of NON_ROUTABLE) (NON_ROUTABLE_BY_LENGTH[d.length] ??= []).push(d);

export function isNonRoutable(domain: string): boolean {
  return isNonRoutableIn(domain, 0, domain.length);
}

/**
 * isNonRoutable on `s.slice(from, to)` without slicing. Lower-casing never adds or removes a dot, and an ASCII
 * suffix lower-cases alone, so only a non-ASCII suffix takes the plain path.
 */
function isNonRoutableIn(s: string, from: number, to: number): boolean {
  const dot = s.lastIndexOf('.', to - 1);
  if (dot < from) return true;
  if (hasNonAscii(s, dot + 1, to)) return plainIsNonRoutable(s.slice(from, to));
  const candidates = NON_ROUTABLE_BY_LENGTH[to - dot - 1];
  if (!candidates) return false;
  for (const d of candidates) {
    let k = 0;
    while (k < d.length && lowerAscii(s.charCodeAt(dot + 1 + k)) === d.charCodeAt(k)) k++;
    if (k === d.length) return true;
  }
  return false;
}

function plainIsNonRoutable(domain: string): boolean {
  const d = domain.toLowerCase();
  const dot = d.lastIndexOf('.');
  if (dot === -1) return true;
  return NON_ROUTABLE.includes(d.slice(dot + 1));
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function hasNonAscii(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (s.charCodeAt(k) >= 128) return true;
  return false;
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

function isAllOk(s: string, from: number, to: number, ok: Uint8Array): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c >= 128 || !ok[c]) return false;
  }
  return true;
}

function show(chars: readonly string[]): string {
  return chars.map((c) => (c === ' ' ? 'space' : /\s/.test(c) ? 'whitespace' : `"${c}"`)).join(', ');
}

/** Mail-style address problems; '' when fine. */
export function addressProblem(address: string): string {
  return addressProblemIn(address, 0, address.length);
}

/** addressProblem of `s.slice(from, to)`, slicing only to word a problem. */
function addressProblemIn(s: string, from: number, to: number): string {
  const at = s.indexOf('@', from);
  if (at <= from || at >= to || s.lastIndexOf('@', to - 1) !== at || at === to - 1)
    return 'needs exactly one @ with text on both sides';
  // A clean whole value (a proxy with its `smtp:`) has a clean address: one fast scan settles most.
  const mayBeBad = to === s.length ? ADDRESS_BAD_RE.test(s) : true;
  if (mayBeBad && hasChar(s, from, to, ADDRESS_BAD)) {
    const bad = [...s.slice(from, to)].filter((ch) => ch.length === 1 && ADDRESS_BAD[ch.charCodeAt(0)]);
    return `contains ${show([...new Set(bad)])}`;
  }
  const dot = s.indexOf('.', at);
  if (dot === -1 || dot >= to) return 'the domain has no dot';
  return '';
}

/** Start and end of `s` without surrounding whitespace, as String.prototype.trim counts it. */
function trimmedStart(s: string): number {
  let k = 0;
  while (k < s.length && isSpace(s.charCodeAt(k))) k++;
  return k;
}

function trimmedEnd(s: string, start: number): number {
  let k = s.length;
  while (k > start && isSpace(s.charCodeAt(k - 1))) k--;
  return k;
}

function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return /\s/.test(String.fromCharCode(c));
}

function checkSpaces(out: AttributeFinding[], ad: number, attribute: string, value: string): void {
  if (!value) return;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  // Only whitespace at either end can make trim() differ.
  if (first > 32 && first < 128 && last > 32 && last < 128) return;
  if (value !== value.trim()) {
    out.push({
      ad,
      code: 'leading-trailing-space',
      severity: 'error',
      attribute,
      value,
      rule: 'no leading or trailing spaces',
      fix: `Set ${attribute} to "${value.trim()}".`,
    });
  }
}

/** Files whose export has no (usable) column for an attribute: a blank there is not the user's defect. */
export interface NotExported {
  upn?: ReadonlySet<string>;
  displayName?: ReadonlySet<string>;
}

export function checkAttributes(
  ad: readonly AdUser[],
  isCandidate: readonly boolean[],
  upnConflictUsers: ReadonlySet<number>,
  notExported: NotExported = {},
): AttributeFinding[] {
  const out: AttributeFinding[] = [];
  const noUpn = notExported.upn?.size ? notExported.upn : undefined;
  const noName = notExported.displayName?.size ? notExported.displayName : undefined;
  for (let i = 0; i < ad.length; i++) {
    if (!isCandidate[i]) continue;
    const u = ad[i]!;
    checkUser(u, upnConflictUsers.has(i), out, !noUpn?.has(u.file), !noName?.has(u.file));
  }
  return out;
}

function checkUser(
  u: AdUser,
  isInUpnConflict: boolean,
  out: AttributeFinding[],
  hasUpn: boolean,
  hasDisplayName: boolean,
): void {
  const ui = u.i;
  const upn = u.upn;
  checkSpaces(out, ui, 'userPrincipalName', upn);
  const us = trimmedStart(upn);
  const ue = trimmedEnd(upn, us);
  if (us === ue) {
    if (!hasUpn) return checkRest(u, out, hasDisplayName);
    out.push({
      ad: ui,
      code: 'upn-blank',
      severity: 'warning',
      attribute: 'userPrincipalName',
      value: '',
      rule: 'every synced user needs a UPN',
      fix: 'Entra Connect then builds sAMAccountName@<AD domain>, usually a non-routable name: set a UPN with a verified domain suffix.',
    });
    if (u.sam) {
      const bad = [...new Set([...u.sam].filter((ch) => SAM_BAD.has(ch)))];
      if (bad.length || u.sam.length > 20) {
        out.push({
          ad: ui,
          code: 'sam-invalid',
          severity: 'error',
          attribute: 'sAMAccountName',
          value: u.sam,
          rule: 'at most 20 characters, none of [ ] \\ " | , / : < > + = ; ? *',
          fix: 'Rename the account or set a valid UPN.',
        });
      }
    }
  } else {
    checkUpn(out, u, upn, us, ue, isInUpnConflict);
  }
  checkRest(u, out, hasDisplayName);
}

function checkRest(u: AdUser, out: AttributeFinding[], hasDisplayName: boolean): void {
  const ui = u.i;
  const mail = u.mail;
  checkSpaces(out, ui, 'mail', mail);
  const ms = trimmedStart(mail);
  const me = trimmedEnd(mail, ms);
  if (ms < me) {
    const problem = addressProblemIn(mail, ms, me);
    if (problem)
      out.push({
        ad: ui,
        code: 'mail-malformed',
        severity: 'error',
        attribute: 'mail',
        value: mail,
        rule: `an SMTP address: ${problem}`,
        fix: 'Correct the address.',
      });
    else if (isNonRoutableIn(mail, mail.lastIndexOf('@', me - 1) + 1, me)) {
      out.push({
        ad: ui,
        code: 'mail-non-routable',
        severity: 'warning',
        attribute: 'mail',
        value: mail,
        rule: 'a routable domain',
        fix: 'Use an address in a verified domain.',
      });
    }
  }

  const dn = u.displayName;
  checkSpaces(out, ui, 'displayName', dn);
  // A display name that was not exported is said once for the file, not once per user.
  if (trimmedStart(dn) === dn.length && (hasDisplayName || dn))
    out.push({
      ad: ui,
      code: 'displayname-blank',
      severity: 'warning',
      attribute: 'displayName',
      value: '',
      rule: 'a display name',
      fix: 'Set displayName: it is what people see in Entra and the address book.',
    });
  else if (dn.length > 256)
    out.push({
      ad: ui,
      code: 'displayname-too-long',
      severity: 'error',
      attribute: 'displayName',
      value: dn,
      rule: 'at most 256 characters',
      fix: `Shorten it by ${dn.length - 256} characters.`,
    });

  const nick = u.mailNickname;
  if (nick) {
    checkSpaces(out, ui, 'mailNickname', nick);
    const ns = trimmedStart(nick);
    const ne = trimmedEnd(nick, ns);
    if (
      (ne > ns && (nick.charCodeAt(ns) === 46 || nick.charCodeAt(ne - 1) === 46)) ||
      hasChar(nick, ns, ne, NICK_BAD) ||
      ne - ns > 64
    ) {
      out.push({
        ad: ui,
        code: 'mailnickname-invalid',
        severity: 'error',
        attribute: 'mailNickname',
        value: nick,
        rule: 'at most 64 characters, no period at either end, no whitespace or \\ ! # $ % & * + / = ? ^ ` { } | ~ < > ( ) \' ; : , [ ] " @',
        fix: 'Correct the alias.',
      });
    }
  }

  if (u.proxies.length) checkProxies(out, u);
}

/** The UPN checks, on `upn` between its trimmed bounds `s` and `e`. */
function checkUpn(
  out: AttributeFinding[],
  u: AdUser,
  upn: string,
  s: number,
  e: number,
  isInUpnConflict: boolean,
): void {
  const ui = u.i;
  const at = upn.lastIndexOf('@', e - 1);
  if (at <= s || at === e - 1) {
    out.push({
      ad: ui,
      code: 'upn-no-at',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: upn.slice(s, e),
      rule: 'prefix@suffix, with text on both sides of @',
      fix: 'Set the UPN to name@verified-domain.',
    });
    return;
  }
  const length = e - s;
  const localLength = at - s;
  const domainLength = e - at - 1;
  // The trimmed UPN is only cut out when a finding quotes it.
  const isTrimmed = s === 0 && e === upn.length;
  // One @ between allowed characters settles both halves; otherwise look character by character.
  const isOk =
    (s === 0 && e === upn.length && UPN_OK_RE.test(upn)) ||
    (isAllOk(upn, s, at, UPN_LOCAL_OK) && isAllOk(upn, at + 1, e, DOMAIN_OK));
  if (!isOk) {
    const bad = [...badChars(upn.slice(s, at), UPN_LOCAL_OK), ...badChars(upn.slice(at + 1, e), DOMAIN_OK)];
    out.push({
      ad: ui,
      code: 'upn-invalid-char',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: "letters A–Z, digits and ' . - _ ! # ^ ~ only (no spaces, umlauts or accents)",
      fix: `Remove or replace ${show([...new Set(bad)])}.`,
    });
  }
  if (length > 113)
    out.push({
      ad: ui,
      code: 'upn-too-long',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'at most 113 characters',
      fix: `Shorten it by ${length - 113} characters.`,
    });
  if (localLength > 64) {
    out.push({
      ad: ui,
      code: 'upn-prefix-too-long',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'at most 64 characters before @',
      fix: `Shorten the prefix by ${localLength - 64} characters.`,
    });
  }
  if (domainLength > 48) {
    out.push({
      ad: ui,
      code: 'upn-domain-too-long',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'at most 48 characters after @',
      fix: 'Use a shorter verified domain as suffix.',
    });
  }
  if (isInUpnConflict && localLength > 48) {
    out.push({
      ad: ui,
      code: 'upn-quarantine-prefix',
      severity: 'warning',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'a quarantined UPN keeps at most 48 characters of the prefix before its 4 digits',
      fix: 'Resolve the UPN conflict; until then the placeholder UPN will not resemble this one.',
    });
  }
  const dots = upn.indexOf('..', s);
  if (upn.charCodeAt(s) === 46 || upn.charCodeAt(at - 1) === 46 || (dots !== -1 && dots + 1 < at)) {
    out.push({
      ad: ui,
      code: 'upn-bad-period',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'the prefix may not start or end with a period, nor hold two in a row',
      fix: 'Remove the extra period.',
    });
  }
  if (isNonRoutableIn(upn, at + 1, e)) {
    out.push({
      ad: ui,
      code: 'upn-non-routable',
      severity: 'error',
      attribute: 'userPrincipalName',
      value: isTrimmed ? upn : upn.slice(s, e),
      rule: 'a routable suffix that is a verified domain in the tenant',
      fix: `Add a routable UPN suffix in AD Domains and Trusts and change the UPN; with "${upn.slice(at + 1, e)}" Entra gives the user <prefix>@<tenant>.onmicrosoft.com.`,
    });
  }
}

/**
 * Proxy keys compared as `raw.trim().toLowerCase()` would, without building them: while both are ASCII the
 * lower-cased texts agree character for character, so the first ASCII difference decides.
 */
function isSameProxy(a: string, b: string): boolean {
  const as = trimmedStart(a);
  const ae = trimmedEnd(a, as);
  const bs = trimmedStart(b);
  const be = trimmedEnd(b, bs);
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(as + k);
    const y = b.charCodeAt(bs + k);
    if (x === y) continue;
    if (x >= 128 || y >= 128) return a.trim().toLowerCase() === b.trim().toLowerCase();
    if (lowerAscii(x) !== lowerAscii(y)) return false;
  }
  if (ae - as === be - bs) return true;
  // One is the other plus a tail: different, unless non-ASCII lower-casing changes lengths.
  if (!hasNonAscii(a, as + n, ae) && !hasNonAscii(b, bs + n, be)) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function checkProxies(out: AttributeFinding[], u: AdUser): void {
  const ui = u.i;
  const proxies = u.proxies;
  if (proxies.length > MAX_PROXIES) {
    out.push({
      ad: ui,
      code: 'proxy-too-many',
      severity: 'warning',
      attribute: 'proxyAddresses',
      value: `${proxies.length} values`,
      rule: `about ${MAX_PROXIES} values at most`,
      fix: 'Remove addresses nobody uses any more.',
    });
  }
  // A handful of values is compared pairwise; many go through a set of lowercased keys.
  const seen = proxies.length > 16 ? new Set<string>() : undefined;
  let primaries = 0;
  let smtps = 0;
  for (let n = 0; n < proxies.length; n++) {
    const raw = proxies[n]!;
    let isRepeat = false;
    if (seen) {
      const key = raw.trim().toLowerCase();
      isRepeat = seen.has(key);
      seen.add(key);
    } else for (let m = 0; m < n && !isRepeat; m++) isRepeat = isSameProxy(proxies[m]!, raw);
    if (isRepeat)
      out.push({
        ad: ui,
        code: 'proxy-duplicate-in-user',
        severity: 'warning',
        attribute: 'proxyAddresses',
        value: raw,
        rule: 'each value once',
        fix: `Remove the second "${raw}".`,
      });
    if (raw.length > 256)
      out.push({
        ad: ui,
        code: 'proxy-too-long',
        severity: 'error',
        attribute: 'proxyAddresses',
        value: raw,
        rule: 'at most 256 characters per value',
        fix: 'Shorten or remove it.',
      });
    if (raw.indexOf(':') <= 0) {
      out.push({
        ad: ui,
        code: 'proxy-malformed',
        severity: 'error',
        attribute: 'proxyAddresses',
        value: raw,
        rule: 'type:address, e.g. smtp:name@domain',
        fix: `Write it as smtp:${raw.trim()} (or SMTP: for the primary address).`,
      });
      continue;
    }
    // smtpProxy(raw.trim()): the first colon right after a case-insensitive `smtp`.
    const s = trimmedStart(raw);
    const e = trimmedEnd(raw, s);
    if (
      raw.indexOf(':', s) !== s + 4 ||
      (raw.charCodeAt(s) | 32) !== 115 ||
      (raw.charCodeAt(s + 1) | 32) !== 109 ||
      (raw.charCodeAt(s + 2) | 32) !== 116 ||
      (raw.charCodeAt(s + 3) | 32) !== 112
    )
      continue;
    smtps++;
    if (
      raw.charCodeAt(s) === 83 &&
      raw.charCodeAt(s + 1) === 77 &&
      raw.charCodeAt(s + 2) === 84 &&
      raw.charCodeAt(s + 3) === 80
    )
      primaries++;
    const problem = addressProblemIn(raw, s + 5, e);
    if (problem)
      out.push({
        ad: ui,
        code: 'proxy-malformed',
        severity: 'error',
        attribute: 'proxyAddresses',
        value: raw,
        rule: `an SMTP address: ${problem}`,
        fix: 'Correct or remove it.',
      });
    else if (isNonRoutableIn(raw, raw.lastIndexOf('@', e - 1) + 1, e)) {
      out.push({
        ad: ui,
        code: 'proxy-non-routable',
        severity: 'warning',
        attribute: 'proxyAddresses',
        value: raw,
        rule: 'a routable domain',
        fix: 'Entra drops addresses in domains it cannot verify: remove it.',
      });
    }
  }
  if (primaries > 1)
    out.push({
      ad: ui,
      code: 'proxy-several-primary',
      severity: 'error',
      attribute: 'proxyAddresses',
      value: `${primaries} × SMTP:`,
      rule: 'one primary (SMTP:) address',
      fix: 'Keep one SMTP: and write the others as smtp:.',
    });
  else if (smtps > 0 && primaries === 0) {
    out.push({
      ad: ui,
      code: 'proxy-no-primary',
      severity: 'warning',
      attribute: 'proxyAddresses',
      value: `${smtps} × smtp:`,
      rule: 'one primary (SMTP:) address',
      fix: 'Mark the main address as SMTP: (upper case).',
    });
  }
}
