/**
 * Export-Csv writes an object's ToString() for properties it cannot flatten: multi-valued AD attributes,
 * byte arrays, lists. Such a column holds a type name instead of data.
 */
const TYPE_NAME = /^(System|Microsoft)\.[A-Za-z0-9_.`]+(\[\])?(\[\[.*\]\])?$/;

export function isTypeName(value: string): boolean {
  return TYPE_NAME.test(value.trim());
}

export interface ColumnHealth {
  /** Columns whose non-empty values are all .NET type names, with the type seen. */
  typeNameColumns: { column: string; typeName: string }[];
  /** Columns with no value in any row. */
  emptyColumns: string[];
}

/** Why one column is unusable, or null when it holds values. */
export type ColumnVerdict = { reason: 'empty' } | { reason: 'type-name'; typeName: string } | null;

/**
 * Decides, row by row, whether each watched column holds values: a column whose non-blank cells are all .NET
 * type names, or that has none, is unusable. A streaming reader builds its rows before that is known; `see`
 * tells it which rows to keep for a second read (a blank cell reads the same as an absent column, so only a row
 * with a non-blank cell in a still-undecided column can change).
 */
export class ColumnWatch {
  /** Column indexes not yet proven to hold a value. */
  undecided: number[];
  readonly #typeNames = new Map<number, string>();
  readonly #ok = new Set<number>();
  readonly #isTypeName: (trimmed: string) => boolean;

  /** `isTypeName` gets a trimmed, non-blank value; a caller may know more type names than `isTypeName` here. */
  constructor(columns: Iterable<number>, typeName: (trimmed: string) => boolean = isTypeName) {
    this.undecided = [...new Set(columns)].filter((i) => i >= 0);
    this.#isTypeName = typeName;
  }

  /** Looks at one row; true when it has a non-blank cell in a column still undecided after it. */
  see(cells: readonly string[]): boolean {
    let isPending = false;
    let isChanged = false;
    for (const i of this.undecided) {
      const v = cells[i];
      if (!v) continue;
      if (v === this.#typeNames.get(i)) {
        isPending = true;
        continue;
      }
      const t = v.trim();
      if (!t) {
        isPending = true;
        continue;
      }
      if (this.#isTypeName(t)) {
        if (!this.#typeNames.has(i)) this.#typeNames.set(i, t);
        isPending = true;
        continue;
      }
      this.#ok.add(i);
      isChanged = true;
    }
    if (isChanged) this.undecided = this.undecided.filter((i) => !this.#ok.has(i));
    return isPending && this.undecided.length > 0;
  }

  of(i: number): ColumnVerdict {
    if (this.#ok.has(i)) return null;
    const typeName = this.#typeNames.get(i);
    return typeName ? { reason: 'type-name', typeName } : { reason: 'empty' };
  }
}

export function inspectColumns(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): ColumnHealth {
  const watch = new ColumnWatch(headers.keys());
  for (const row of rows) {
    if (!watch.undecided.length) break;
    watch.see(row);
  }
  const typeNameColumns: ColumnHealth['typeNameColumns'] = [];
  const emptyColumns: string[] = [];
  headers.forEach((column, i) => {
    const verdict = watch.of(i);
    if (verdict?.reason === 'type-name') typeNameColumns.push({ column, typeName: verdict.typeName });
    else if (verdict) emptyColumns.push(column);
  });
  return { typeNameColumns, emptyColumns };
}
