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

export function inspectColumns(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): ColumnHealth {
  const typeNameColumns: ColumnHealth['typeNameColumns'] = [];
  const emptyColumns: string[] = [];
  headers.forEach((column, i) => {
    let typeName: string | undefined;
    let hasData = false;
    for (const row of rows) {
      const v = row[i]?.trim();
      if (!v) continue;
      if (isTypeName(v)) typeName ??= v;
      else {
        hasData = true;
        break;
      }
    }
    if (!hasData && typeName) typeNameColumns.push({ column, typeName });
    else if (!hasData) emptyColumns.push(column);
  });
  return { typeNameColumns, emptyColumns };
}
