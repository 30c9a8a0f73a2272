import type { CsvTable } from '../../lib/csv/read.ts';
import { BAD_ITEMS_EXPORT } from './export-commands.ts';
import { LIMITS, normaliseHeader, parseSizeBytes } from './parse.ts';
import { bump, tally } from './report.ts';
import type { BadItemRow, BadItemsSummary, MoveReportIssue, MoveRow } from './types.ts';

/** MRS's BadItemKind in declaration order: an export of the XML form carries the number, not the name. */
export const BAD_ITEM_KINDS = [
  'MissingItem',
  'CorruptItem',
  'LargeItem',
  'CorruptSearchFolderCriteria',
  'CorruptFolderACL',
  'CorruptFolderRule',
  'MissingFolder',
  'MisplacedFolder',
  'CorruptFolderProperty',
  'CorruptFolderRestriction',
  'CorruptInferenceProperties',
  'CorruptMailboxSetting',
  'FolderPropertyMismatch',
] as const;

export type BadItemGroup = 'Corrupt item' | 'Missing item' | 'Large item' | 'Folder problem' | 'Other';

/** What a user notice says about each kind: the item itself, or a folder's settings. */
export function badItemGroup(kind: string): BadItemGroup {
  switch (kind.toLowerCase()) {
    case 'corruptitem':
      return 'Corrupt item';
    case 'missingitem':
      return 'Missing item';
    case 'largeitem':
      return 'Large item';
    default:
      return /folder/i.test(kind) ? 'Folder problem' : 'Other';
  }
}

const COLUMNS = {
  mailbox: [
    'Mailbox',
    'Alias',
    'MailboxIdentity',
    'Identity',
    'DisplayName',
    'User',
    'UserPrincipalName',
    'EmailAddress',
  ],
  guid: ['ExchangeGuid', 'MailboxGuid'],
  kind: ['Kind', 'BadItemKind', 'ItemKind'],
  folder: ['FolderName', 'Folder', 'FolderPath'],
  subject: ['Subject'],
  messageClass: ['MessageClass'],
  size: ['MessageSizeBytes', 'MessageSize', 'ItemSize', 'Size'],
  dateSent: ['DateSent', 'DateReceived'],
  failure: ['Failure', 'FailureMessage', 'Error', 'Message'],
} as const;

function kindName(raw: string): string {
  if (/^\d+$/.test(raw)) return BAD_ITEM_KINDS[Number(raw)] ?? raw;
  return raw || '(unknown)';
}

/** One item's size; anything above 4 TiB (a forged or damaged value) is left empty. */
function size(raw: string): number | null {
  if (!raw) return null;
  const exact = parseSizeBytes(raw);
  const n = exact === exact ? exact : /^\d+$/.test(raw) ? Number(raw) : NaN;
  return n === n && n <= LIMITS.bytes ? n : null;
}

/** Keys a move is known by in a bad-items file: GUID, alias, identity, name, lower case. */
function moveIndex(moves: readonly MoveRow[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const m of moves) {
    for (const k of [m.exchangeGuid, m.alias, m.identity, m.name]) {
      const key = k.trim().toLowerCase();
      if (key && !map.has(key)) map.set(key, m.index);
    }
  }
  return map;
}

/**
 * Reads a bad-items export (one row per item, e.g. Report.BadItems flattened with the mailbox added) and ties
 * each row to its move. A file without a mailbox column is reported and ignored: the items could not be attributed.
 */
export function parseBadItems(
  table: CsvTable,
  file: string,
  moves: MoveRow[],
): { summary: BadItemsSummary | null; issues: MoveReportIssue[] } {
  const issues: MoveReportIssue[] = [...table.issues];
  const byName = new Map<string, number>();
  table.headers.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (!byName.has(n)) byName.set(n, i);
  });
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, names]) => [
      k,
      names.map((n) => byName.get(normaliseHeader(n))).find((i) => i !== undefined) ?? -1,
    ]),
  ) as Record<keyof typeof COLUMNS, number>;
  const hasItemColumn =
    col.kind >= 0 || col.folder >= 0 || col.subject >= 0 || col.messageClass >= 0 || col.failure >= 0;
  if (col.mailbox >= 0 && !hasItemColumn) {
    issues.push({
      code: 'not-bad-items',
      severity: 'error',
      file,
      message: `This is not a bad-items export: it has a mailbox column but none of Kind, FolderName, Subject, MessageClass or Failure; the header has ${table.headers.slice(0, 8).join(', ')}${table.headers.length > 8 ? ', …' : ''}.`,
      hint: BAD_ITEMS_EXPORT,
    });
    return { summary: null, issues };
  }
  if (col.mailbox < 0 && col.guid < 0) {
    issues.push({
      code: 'not-bad-items',
      severity: 'error',
      file,
      message: `The bad-items file has no mailbox column (Mailbox, Alias, Identity or ExchangeGuid), so its items cannot be tied to moves; the header has ${table.headers.slice(0, 8).join(', ')}.`,
      hint: BAD_ITEMS_EXPORT,
    });
    return { summary: null, issues };
  }
  const index = moveIndex(moves);
  const get = (row: readonly string[], i: number) => (i < 0 ? '' : (row[i] ?? '').trim());
  const rows: BadItemRow[] = [];
  const byKind = tally();
  const perMailbox = new Map<string, BadItemsSummary['perMailbox'][number]>();
  const unmatched = new Set<string>();
  let unmatchedRows = 0;
  table.rows.forEach((row, r) => {
    const guid = get(row, col.guid);
    const mailbox = get(row, col.mailbox) || guid;
    const move = index.get(guid.toLowerCase()) ?? index.get(mailbox.toLowerCase()) ?? -1;
    const kind = kindName(get(row, col.kind));
    const item: BadItemRow = {
      move,
      mailbox: move >= 0 ? moves[move]!.name : mailbox,
      kind,
      folder: get(row, col.folder),
      subject: get(row, col.subject),
      messageClass: get(row, col.messageClass),
      sizeBytes: size(get(row, col.size)),
      dateSent: get(row, col.dateSent),
      failure: get(row, col.failure),
      line: table.lines[r] ?? r + 2,
    };
    rows.push(item);
    bump(byKind, kind);
    if (move >= 0) moves[move]!.badItemRows++;
    else {
      unmatchedRows++;
      if (unmatched.size < 5) unmatched.add(mailbox || '(empty)');
    }
    const key = move >= 0 ? `#${move}` : `?${mailbox}`;
    let p = perMailbox.get(key);
    if (!p) {
      p = { mailbox: item.mailbox, move, total: 0, byKind: tally() };
      perMailbox.set(key, p);
    }
    p.total++;
    bump(p.byKind, kind);
  });
  if (unmatchedRows) {
    issues.push({
      code: 'bad-items-unmatched',
      severity: 'warning',
      file,
      message: `${unmatchedRows} bad item(s) name mailboxes that are not in the moves export (${[...unmatched].join(', ')}${unmatched.size === 5 ? ', …' : ''}); they are listed but not counted against any move.`,
    });
  }
  return {
    summary: {
      file,
      rows,
      byKind: Object.entries(byKind)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .reduce((out, [k, v]) => ((out[k] = v), out), tally()),
      perMailbox: [...perMailbox.values()].sort(
        (a, b) => b.total - a.total || a.mailbox.localeCompare(b.mailbox),
      ),
      unmatchedRows,
    },
    issues,
  };
}
