/**
 * Table rows for the view, built from the result: one per set entry, both sides side by side, with every ID form
 * in one searchable text so a GUID, an ImmutableID or an Entra id pasted into the search finds the user.
 */
import { guidToImmutableId } from '../../lib/id/guid.ts';
import type { AdUser, EntraUser, SetEntry, SyncCheckResult } from './types.ts';
import { REASON_CODES, type ReasonColumns } from './reasons.ts';
import { issuesByAd, STATUS_TEXT } from './report.ts';

export interface Row {
  key: string;
  ad?: AdUser;
  e?: EntraUser;
  adIndex?: number;
  entraIndex?: number;
  status: string;
  /** Why the row is in its table, in words, and as a reason code (reasons.ts). */
  reason: string;
  reasonCode: string;
  notes: string;
  ids: string;
}

export function anchorImmutableId(u: AdUser): string {
  return u.anchor ? guidToImmutableId(u.anchor) : '';
}

export function buildRows(
  r: SyncCheckResult,
  entries: readonly SetEntry[],
  notes: Map<number, string[]>,
  reasons?: ReasonColumns,
): Row[] {
  return entries.map((s, k) => {
    const ad = s.ad === undefined ? undefined : r.ad[s.ad];
    const e = s.entra === undefined ? undefined : r.entra[s.entra];
    const status = ad
      ? STATUS_TEXT[r.adStatus[s.ad!]!]
      : e
        ? STATUS_TEXT[r.entraStatus[s.entra!]!] + (e.isGuest ? ' (guest)' : '')
        : '';
    const ids = [
      ad?.objectGuid,
      ad?.anchor,
      ad && !e ? anchorImmutableId(ad) : '',
      ad?.consistencyGuidRaw,
      e?.id,
      e?.immutableId,
    ]
      .filter(Boolean)
      .join(' ');
    return {
      key: `${s.ad ?? ''}|${s.entra ?? ''}`,
      ad,
      e,
      adIndex: s.ad,
      entraIndex: s.entra,
      status,
      reason: reasons?.detail[k] ?? '',
      reasonCode: reasons ? REASON_CODES[reasons.code[k]!]! : '',
      notes:
        s.ad === undefined
          ? (e?.errors.map((x) => `${x.property} ${x.value}`).join('; ') ?? '')
          : (notes.get(s.ad) ?? []).join('; '),
      ids,
    };
  });
}

export { issuesByAd };
