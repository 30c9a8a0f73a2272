/**
 * An AD user export (Get-ADUser … | Export-Csv) read straight into users, row by row.
 */
import { ColumnWatch } from '../../lib/csv/columns.ts';
import type { DecodedText } from '../../lib/csv/decode.ts';
import { readCsv } from '../../lib/csv/read.ts';
import type { RunOptions } from '../../lib/issue.ts';
import { consistencyGuidOf, objectGuidOf } from './anchors.ts';
import { DateCheck, dateColumn, fieldOf, parseDate, type DateColumn } from './dates.ts';
import {
  AD_ALIASES,
  EXPECTED,
  FLAVOUR_TEXT,
  cell,
  columnIndexes,
  columnList,
  mapFields,
  normHeader,
  refused,
  rejection,
  settleColumns,
  shared,
  usedColumns,
  type PendingRow,
  type ReadResult,
} from './export-columns.ts';
import { GuidColumn } from './guid-column.ts';
import type { AdField, AdUser, MappingOverride, SyncIssue } from './types.ts';
import { isTypeNameValue, parentDn, readBoolean, splitMulti, unescapedComma } from './values.ts';

const ENTRA_MARKERS = ['OnPremisesImmutableId', 'ImmutableId', 'OnPremisesSyncEnabled', 'LastDirSyncTime'];

/** msExchRecipientTypeDetails: a whole number Number holds exactly (its values reach 2^40), else null. */
function readWholeNumber(value: string): number | null {
  if (!value) return null;
  const t = value.trim();
  if (!t || t.length > 16 || !/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * parentDn, reusing the string of a recent user's container: users of one OU come in runs, and one string per
 * OU instead of one per user leaves less for the garbage collector to copy.
 */
class Containers {
  readonly #recent: string[] = [];
  #next = 0;

  of(dn: string): string {
    const i = unescapedComma(dn);
    if (i === -1) return '';
    const c = dn.charCodeAt(i + 1);
    if (c <= 32 || c >= 128) return parentDn(dn);
    const length = dn.length - i - 1;
    for (const ou of this.#recent) if (ou.length === length && dn.endsWith(ou)) return ou;
    const ou = dn.slice(i + 1);
    this.#recent[this.#next] = ou;
    this.#next = (this.#next + 1) % 8;
    return ou;
  }
}

function adUser(
  cells: readonly string[],
  c: Record<AdField, number>,
  i: number,
  file: string,
  line: number,
  containers: Containers,
): AdUser {
  const dn = cell(cells, c.dn);
  const og = cell(cells, c.objectGuid);
  const objectGuid = og ? objectGuidOf(og) : null;
  const cgRaw = cell(cells, c.consistencyGuid);
  const consistencyGuid = cgRaw ? consistencyGuidOf(cgRaw) : null;
  const upn = cell(cells, c.upn);
  const sam = cell(cells, c.sam);
  return {
    i,
    file,
    line,
    dn,
    ou: containers.of(dn),
    sam,
    upn,
    mail: shared(cell(cells, c.mail), upn),
    displayName: cell(cells, c.displayName),
    mailNickname: shared(cell(cells, c.mailNickname), sam),
    enabled: c.enabled >= 0 ? readBoolean(cells[c.enabled]) : null,
    objectGuid,
    consistencyGuid,
    consistencyGuidRaw: cgRaw,
    anchor: consistencyGuid ?? objectGuid,
    anchorSource: consistencyGuid ? 'consistencyGuid' : objectGuid ? 'objectGuid' : null,
    proxies: c.proxyAddresses >= 0 ? splitMulti(cells[c.proxyAddresses]) : [],
    isCritical: c.isCritical >= 0 && readBoolean(cells[c.isCritical]) === true,
    whenCreated: cell(cells, c.whenCreated),
    recipientTypeDetails: readWholeNumber(cell(cells, c.recipientTypeDetails)),
  };
}

/**
 * Reads an AD export's text straight into users, row by row, keeping no row (only the mapped columns are even
 * cut out of the text). `start` is the index the first user gets.
 */
export function adFromCsv(
  decoded: DecodedText,
  file: string,
  kind: 'ad' | 'adAfter',
  start: number,
  override?: MappingOverride['ad'],
  opts: RunOptions = {},
): ReadResult<AdUser, AdField> {
  let fields = {} as Record<AdField, string | null>;
  let raw = {} as Record<AdField, number>;
  let watch = new ColumnWatch([]);
  let isWrongFile = false;
  const users: AdUser[] = [];
  const pending: PendingRow[] = [];
  const badGuids: { line: number; value: string }[] = [];
  let badGuidCount = 0;
  let badNumbers = 0;
  const createdCheck = new DateCheck(false);
  let badNumber: { line: number; value: string } | undefined;
  const containers = new Containers();
  const keys = new GuidColumn();
  const anchors = new GuidColumn();
  const table = readCsv(decoded.text, {
    file,
    signal: opts.signal,
    onProgress: opts.onProgress,
    columns: (headers) => {
      fields = mapFields(headers, AD_ALIASES, override);
      const norm = new Set(headers.map(normHeader));
      isWrongFile = !fields.dn && !fields.objectGuid && ENTRA_MARKERS.some((m) => norm.has(normHeader(m)));
      raw = columnIndexes(headers, fields);
      watch = new ColumnWatch(usedColumns(raw), isTypeNameValue);
      return isWrongFile ? [] : usedColumns(raw);
    },
    onRow: (cells, line) => {
      if (isWrongFile) return;
      if (watch.undecided.length && watch.see(cells))
        pending.push({ at: users.length, cells: cells.slice(), line });
      const u = adUser(cells, raw, start + users.length, file, line, containers);
      if (raw.whenCreated >= 0) createdCheck.see(u.whenCreated, line);
      if (u.objectGuid === null && raw.objectGuid >= 0 && cells[raw.objectGuid]) {
        if (++badGuidCount <= 5) badGuids.push({ line, value: cells[raw.objectGuid]! });
      }
      if (u.recipientTypeDetails === null && raw.recipientTypeDetails >= 0) {
        const v = cells[raw.recipientTypeDetails]!;
        if (v && v.trim() && !isTypeNameValue(v) && ++badNumbers === 1) badNumber = { line, value: v };
      }
      users.push(u);
      keys.push(u.objectGuid, false);
      anchors.push(u.anchor);
    },
  });
  const settled = settleColumns(
    { decoded, table, file, kind, fields, raw, watch, pending },
    {
      aliases: AD_ALIASES,
      wrongFile: isWrongFile
        ? (flavour) => {
            const what =
              flavour === 'get-aduser' || flavour === 'unknown'
                ? 'an Entra user export'
                : FLAVOUR_TEXT[flavour];
            return `${file} is ${what} (it has ImmutableId/OnPremises* columns), not ${EXPECTED.ad}: drop it on the Entra side.`;
          }
        : undefined,
      noKey: (index) => {
        if (index.objectGuid >= 0 || index.consistencyGuid >= 0) return undefined;
        const mapped = fields.objectGuid ?? fields.consistencyGuid;
        return rejection(
          mapped ? 'empty-column' : 'wrong-file',
          file,
          kind,
          mapped
            ? `${file}: the column "${mapped}" holds no GUIDs, so none of its users can be matched to Entra. Expected ${EXPECTED.ad} with ObjectGUID values.`
            : `${file} has no ObjectGUID or mS-DS-ConsistencyGuid column, so none of its users can be matched to Entra: expected ${EXPECTED.ad}. Its columns: ${columnList(table.headers)}.`,
        );
      },
      rebuild: (p, c) => {
        const u = adUser(p.cells, c, start + p.at, file, p.line, containers);
        users[p.at] = u;
        keys.set(p.at, u.objectGuid, false);
        anchors.set(p.at, u.anchor);
      },
    },
  );
  if (settled.rejected) return refused(settled, keys, anchors);
  const { mapping, issues, index: c } = settled;
  if (!users.some((u) => u.anchor !== null)) {
    const example = badGuids[0];
    const rejected = rejection(
      'bad-guid',
      file,
      kind,
      `${file}: none of its ${users.length.toLocaleString('en')} users has a GUID in ${[fields.objectGuid, fields.consistencyGuid].filter(Boolean).join(' or ')}${example ? ` (e.g. ${JSON.stringify(example.value.slice(0, 60))} on line ${example.line})` : ''}, so none can be matched to Entra: expected ${EXPECTED.ad}.`,
    );
    mapping.isUnsure = true;
    return {
      users: [],
      mapping,
      issues: [...decoded.issues, ...table.issues, rejected],
      keys: new GuidColumn(),
      anchors: new GuidColumn(),
      rejected,
    };
  }
  if (c.objectGuid >= 0) {
    for (const b of badGuids) {
      issues.push({
        code: 'bad-guid',
        severity: 'warning',
        file,
        line: b.line,
        path: fields.objectGuid ?? undefined,
        message: `"${b.value}" is not a GUID.`,
      });
    }
    if (badGuidCount > 5) {
      issues.push({
        code: 'bad-guid',
        severity: 'warning',
        file,
        message: `${badGuidCount - 5} more objectGUID values are not GUIDs.`,
      });
    }
  }
  if (badNumber && c.recipientTypeDetails >= 0) {
    issues.push({
      code: 'bad-number',
      severity: 'warning',
      file,
      line: badNumber.line,
      path: fields.recipientTypeDetails ?? undefined,
      message: `${badNumbers} ${fields.recipientTypeDetails} value${badNumbers === 1 ? ' is' : 's are'} not a whole number up to ${Number.MAX_SAFE_INTEGER.toLocaleString('en')} (e.g. ${JSON.stringify(badNumber.value.slice(0, 40))} on line ${badNumber.line}): read as empty.`,
    });
  }
  if (c.whenCreated >= 0) {
    const created = whenCreated(users, fields.whenCreated!, file, createdCheck);
    mapping.dateOrders.whenCreated = created.order;
    issues.push(...created.issues);
  }
  return { users, mapping, issues, keys, anchors };
}

/** whenCreated's day/month order, decided over the whole column, and what its values tell. */
function whenCreated(
  users: readonly AdUser[],
  column: string,
  file: string,
  check: DateCheck,
): { order: DateColumn['order']; issues: SyncIssue[] } {
  const issues: SyncIssue[] = [];
  const created = dateColumn(fieldOf(users, (u) => u.whenCreated));
  if (created.isGuessed) {
    issues.push({
      code: 'date-order-guessed',
      severity: 'info',
      file,
      path: column,
      message: `No ${column} value shows whether the day or the month comes first; read as ${created.order === 'dmy' ? 'day/month' : 'month/day'}.`,
    });
  }
  issues.push(...check.finish(created.order).issues(file, column));
  const sample = users.find((u) => u.whenCreated.trim());
  if (sample && parseDate(sample.whenCreated, created.order, false)?.ms === null) {
    issues.push({
      code: 'ad-local-time',
      severity: 'info',
      file,
      path: column,
      message: `${column} has no time zone: it is the exporting machine's local time and is shown as written.`,
    });
  }
  return { order: created.order, issues };
}
