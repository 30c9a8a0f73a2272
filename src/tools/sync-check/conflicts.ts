/**
 * Address conflicts among sync candidates, compared case-insensitively with the `smtp:` prefix stripped (X500,
 * SIP and other proxies are not checked by Entra for uniqueness). Entra's duplicate attribute resiliency turns
 * each into a quarantined UPN (`<prefix>NNNN@<tenant>.onmicrosoft.com`), a dropped proxy address and an
 * onPremisesProvisioningErrors entry; where the Entra export shows that already, the effect is linked.
 */
import type { AdUser, ConflictEffect, ConflictGroup, ConflictKind, Conflicts, EntraUser } from './types.ts';
import { localPartOf, lowerTrim, smtpAddress } from './values.ts';

/** Entra's placeholder for a quarantined UPN: the AD prefix (possibly cut) + 4 digits @ the initial domain. */
export function isQuarantinedUpn(entraUpn: string, adUpn: string): boolean {
  const e = entraUpn.trim().toLowerCase();
  const a = adUpn.trim().toLowerCase();
  if (!e || e === a || !e.endsWith('.onmicrosoft.com')) return false;
  const local = localPartOf(e);
  if (local.length < 5) return false;
  for (let k = local.length - 4; k < local.length; k++) {
    const c = local.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  const prefix = local.slice(0, -4);
  return prefix.length > 0 && localPartOf(a).startsWith(prefix);
}

function stripSmtp(v: string): string {
  const t = v.trim().toLowerCase();
  return t.startsWith('smtp:') ? t.slice(5) : t;
}

function effectsFor(
  value: string,
  owners: readonly number[],
  ad: readonly AdUser[],
  entra: readonly EntraUser[],
  adEntra: readonly number[],
  upnOwners: readonly number[],
): ConflictEffect[] {
  const out: ConflictEffect[] = [];
  for (const i of owners) {
    const j = adEntra[i]!;
    if (j < 0) continue;
    const e = entra[j]!;
    if (upnOwners.includes(i) && isQuarantinedUpn(e.upn, ad[i]!.upn)) {
      out.push({
        entra: j,
        kind: 'quarantinedUpn',
        detail: `UPN in Entra is ${e.upn} instead of ${ad[i]!.upn.trim()}`,
      });
    }
    for (const err of e.errors) {
      if (stripSmtp(err.value) !== value) continue;
      out.push({
        entra: j,
        kind: 'provisioningError',
        detail: `${err.category || 'PropertyConflict'} on ${err.property || 'a property'} "${err.value}"${err.time ? ` since ${err.time}` : ''}`,
      });
    }
  }
  return out;
}

const UPN = 1;
const MAIL = 2;
const PROXY = 4;

/**
 * Every address of every candidate in one map: value → owner × 8 + kinds (UPN, mail, proxy), the common case
 * of one owner kept as a number; values claimed by several users move to `multi` as [owner, kinds, …].
 */
class Addresses {
  readonly single = new Map<string, number>();
  readonly multi = new Map<string, number[]>();
  claim(value: string, owner: number, kind: number): void {
    const s = this.single.get(value);
    if (s === undefined) {
      this.single.set(value, owner * 8 + kind);
      return;
    }
    if (s >= 0) {
      const first = Math.floor(s / 8);
      if (first === owner) this.single.set(value, s | kind);
      else {
        this.single.set(value, -1);
        this.multi.set(value, [first, s & 7, owner, kind]);
      }
      return;
    }
    const list = this.multi.get(value)!;
    if (list[list.length - 2] === owner) list[list.length - 1]! |= kind;
    else list.push(owner, kind);
  }
}

/** One user's addresses, lowercase, kinds merged: UPN, mail and primary SMTP are usually one value. */
class OwnAddresses {
  readonly values: string[] = [];
  readonly kinds: number[] = [];
  /** digest() of each value. */
  readonly digests: number[] = [];
  count = 0;

  read(u: AdUser): void {
    this.count = 0;
    const upn = lowerTrim(u.upn);
    if (upn) this.#note(upn, UPN);
    const mail = lowerTrim(u.mail);
    if (mail) this.#note(mail, MAIL);
    for (const raw of u.proxies) {
      const address = smtpAddress(raw);
      if (address) this.#note(address, PROXY);
    }
  }

  #note(value: string, kind: number): void {
    for (let k = 0; k < this.count; k++) {
      if (this.values[k] === value) {
        this.kinds[k]! |= kind;
        return;
      }
    }
    this.values[this.count] = value;
    this.digests[this.count] = digest(value);
    this.kinds[this.count++] = kind;
  }
}

/** 30 bits of FNV-1a over the text: a small integer key, cheaper in a Map than the string. */
export function digest(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * `digest(lowerTrim(s.slice(from)))`, or -1 when that is empty, without making the lowercase copy: ASCII is
 * trimmed and lowercased as it is read (JavaScript's trim removes exactly these ASCII spaces); anything beyond
 * ASCII takes the plain path, whose trim and toLowerCase know Unicode.
 */
export function digestLowerTrim(s: string, from: number): number {
  let a = from;
  let b = s.length;
  while (a < b && isAsciiSpace(s.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(s.charCodeAt(b - 1))) b--;
  if (a >= b) return -1;
  let h = 0x811c9dc5 | 0;
  for (let k = a; k < b; k++) {
    let c = s.charCodeAt(k);
    if (c >= 128) {
      const plain = lowerTrim(from ? s.slice(from) : s);
      return plain ? digest(plain) : -1;
    }
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 16777619);
  }
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** `smtpAddress(raw) !== ''` would look at the text after `smtp:` (any case). */
function isSmtp(raw: string): boolean {
  return (
    raw.length >= 6 &&
    raw.charCodeAt(4) === 58 &&
    (raw.charCodeAt(0) | 32) === 115 &&
    (raw.charCodeAt(1) | 32) === 109 &&
    (raw.charCodeAt(2) | 32) === 116 &&
    (raw.charCodeAt(3) | 32) === 112
  );
}

/**
 * Digest → first owner, as open addressing in typed arrays: the first pass files every address of every
 * candidate (≈ 600,000 at 200,000 users), where a Map's entries cost more time and garbage than the work itself.
 */
class FirstOwners {
  #keys: Int32Array;
  #owners: Int32Array;
  #size = 0;
  constructor(expected: number) {
    let cap = 1024;
    while (cap * 3 < expected * 4) cap *= 2;
    this.#keys = new Int32Array(cap).fill(-1);
    this.#owners = new Int32Array(cap);
  }

  /** The first owner filed under `d`; files `owner` and returns it when there is none yet. */
  firstOr(d: number, owner: number): number {
    const mask = this.#keys.length - 1;
    for (let k = d & mask; ; k = (k + 1) & mask) {
      const key = this.#keys[k]!;
      if (key === d) return this.#owners[k]!;
      if (key === -1) {
        this.#keys[k] = d;
        this.#owners[k] = owner;
        if (++this.#size * 4 > this.#keys.length * 3) this.#grow();
        return owner;
      }
    }
  }

  /** Linear probing stays short while at most three slots in four are taken. */
  #grow(): void {
    const keys = this.#keys;
    const owners = this.#owners;
    this.#keys = new Int32Array(keys.length * 2).fill(-1);
    this.#owners = new Int32Array(keys.length * 2);
    this.#size = 0;
    for (let k = 0; k < keys.length; k++) if (keys[k]! !== -1) this.firstOr(keys[k]!, owners[k]!);
  }
}

/**
 * Claims every address of every candidate. A first pass files each address's digest only (no lowercase copy, no
 * string key); the few digests two owners share (a conflict, or two addresses that merely hash alike) send those
 * owners through the exact, string-keyed claims in AD order, which is what every candidate would have gone
 * through.
 */
function claimAll(ad: readonly AdUser[], isCandidate: readonly boolean[]): Addresses {
  const first = new FirstOwners(3 * ad.length);
  const shared = new Set<number>();
  const owners = new Set<number>();
  const file = (d: number, i: number) => {
    if (d < 0) return;
    const f = first.firstOr(d, i);
    if (f !== i) {
      shared.add(d);
      owners.add(f);
      owners.add(i);
    }
  };
  for (let i = 0; i < ad.length; i++) {
    if (!isCandidate[i]) continue;
    const u = ad[i]!;
    file(digestLowerTrim(u.upn, 0), i);
    file(digestLowerTrim(u.mail, 0), i);
    for (const raw of u.proxies) if (isSmtp(raw)) file(digestLowerTrim(raw, 5), i);
  }
  const own = new OwnAddresses();
  const a = new Addresses();
  for (const i of [...owners].sort((x, y) => x - y)) {
    own.read(ad[i]!);
    for (let k = 0; k < own.count; k++) {
      if (shared.has(own.digests[k]!)) a.claim(own.values[k]!, i, own.kinds[k]!);
    }
  }
  return a;
}

export function findConflicts(
  ad: readonly AdUser[],
  entra: readonly EntraUser[],
  isCandidate: readonly boolean[],
  adEntra: readonly number[],
): Conflicts {
  const a = claimAll(ad, isCandidate);
  const out: Conflicts = {
    duplicateUpn: [],
    duplicateMail: [],
    duplicateProxySmtp: [],
    anyAddressClaimedTwice: [],
    upnVsOtherUsersProxy: [],
  };
  const values = [...a.multi.keys()].sort();
  for (const value of values) {
    const list = a.multi.get(value)!;
    const owners: number[] = [];
    const with_ = (kind: number) => {
      const o: number[] = [];
      for (let k = 0; k < list.length; k += 2)
        if (list[k + 1]! & kind && !o.includes(list[k]!)) o.push(list[k]!);
      return o;
    };
    for (let k = 0; k < list.length; k += 2) if (!owners.includes(list[k]!)) owners.push(list[k]!);
    const upnOwners = with_(UPN);
    const group = (kind: ConflictKind, members: number[]): ConflictGroup => ({
      value,
      ad: members,
      effects: effectsFor(
        value,
        members,
        ad,
        entra,
        adEntra,
        kind === 'duplicateMail' || kind === 'duplicateProxySmtp' ? [] : upnOwners,
      ),
    });
    if (upnOwners.length > 1) out.duplicateUpn.push(group('duplicateUpn', upnOwners));
    const mailOwners = with_(MAIL);
    if (mailOwners.length > 1) out.duplicateMail.push(group('duplicateMail', mailOwners));
    const proxyOwners = with_(PROXY);
    if (proxyOwners.length > 1) out.duplicateProxySmtp.push(group('duplicateProxySmtp', proxyOwners));
    if (owners.length > 1) out.anyAddressClaimedTwice.push(group('anyAddressClaimedTwice', owners));
    for (const upnOwner of upnOwners) {
      for (const proxyHolder of proxyOwners) {
        if (proxyHolder === upnOwner) continue;
        out.upnVsOtherUsersProxy.push({
          address: value,
          upnOwner,
          proxyHolder,
          effects: effectsFor(value, [upnOwner, proxyHolder], ad, entra, adEntra, [upnOwner]),
        });
      }
    }
  }
  return out;
}

export interface ConflictExplanation {
  title: string;
  /** What Entra does when the conflicting objects sync. */
  effect: string;
  fix: string;
}

export const CONFLICT_EXPLANATIONS: Record<ConflictKind | 'upnVsOtherUsersProxy', ConflictExplanation> = {
  duplicateUpn: {
    title: 'Same UPN on several users',
    effect:
      'Entra keeps the UPN for the first user synced; every other one gets a placeholder UPN <prefix>NNNN@<tenant>.onmicrosoft.com and an onPremisesProvisioningErrors entry (PropertyConflict, UserPrincipalName). Those users cannot sign in with their UPN.',
    fix: 'Give each user a unique userPrincipalName in AD; the next sync restores the real UPN and clears the error.',
  },
  duplicateMail: {
    title: 'Same mail on several users',
    effect:
      'mail becomes a primary SMTP address in Entra and Exchange Online; only one object can own it. The others lose the address (a PropertyConflict on ProxyAddress) and mail to it reaches only one of them.',
    fix: 'Keep the address on one user; change mail (and the matching SMTP: proxy) on the others.',
  },
  duplicateProxySmtp: {
    title: 'Same SMTP proxy address on several users',
    effect:
      'Entra quarantines the duplicate proxy address: it is dropped from every object but the first, with a PropertyConflict on ProxyAddress in onPremisesProvisioningErrors.',
    fix: 'Remove the address from proxyAddresses of every user but the one who should receive it.',
  },
  anyAddressClaimedTwice: {
    title: 'Address claimed by several users (UPN, mail or SMTP proxy)',
    effect:
      'UPNs and SMTP addresses share one namespace in Entra and Exchange Online; whichever object syncs second loses the value (quarantined UPN or dropped proxy) and gets a PropertyConflict.',
    fix: 'Decide who owns the address and remove it from the UPN, mail and proxyAddresses of everyone else.',
  },
  upnVsOtherUsersProxy: {
    title: "A user's UPN is another user's SMTP proxy",
    effect:
      "Entra stamps smtp:<UPN> on every user with a mailbox or mail attributes, so user A's UPN collides with user B's proxy address even though no AD attribute repeats: one of them is quarantined. This is a known cause of sudden sign-in outages after an address change.",
    fix: "Remove the address from user B's proxyAddresses, or change user A's UPN.",
  },
};
