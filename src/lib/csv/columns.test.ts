import { describe, expect, it } from 'vitest';
import { ColumnWatch, inspectColumns, isTypeName } from './columns.ts';

describe('inspectColumns', () => {
  it('finds columns that hold .NET type names and columns that are all empty', () => {
    const headers = ['Name', 'proxyAddresses', 'mS-DS-ConsistencyGuid', 'Mail'];
    const rows = [
      ['a', 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection', 'System.Byte[]', ''],
      ['b', 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection', '', ''],
    ];
    expect(inspectColumns(headers, rows)).toEqual({
      typeNameColumns: [
        {
          column: 'proxyAddresses',
          typeName: 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection',
        },
        { column: 'mS-DS-ConsistencyGuid', typeName: 'System.Byte[]' },
      ],
      emptyColumns: ['Mail'],
    });
  });

  it('does not flag a column with real values', () => {
    expect(inspectColumns(['x'], [['System.String[]'], ['real value']]).typeNameColumns).toEqual([]);
  });

  it.each([
    ['System.Collections.ArrayList', true],
    ['System.Collections.Generic.List`1[[System.String, mscorlib]]', true],
    ['System.String[]', true],
    ['Microsoft.Exchange.Data.ByteQuantifiedSize', true],
    ['jdoe@contoso.com', false],
    ['System', false],
  ])('isTypeName(%s) = %s', (v, expected) => expect(isTypeName(v)).toBe(expected));
});

describe('ColumnWatch', () => {
  it('keeps a row for a second read only while a column it has a value in is undecided', () => {
    const watch = new ColumnWatch([0, 1, 2]);
    expect(watch.see(['x', 'System.String[]', ''])).toBe(true);
    expect(watch.undecided).toEqual([1, 2]);
    expect(watch.see(['y', '', ''])).toBe(false);
    expect(watch.see(['z', 'a value', ''])).toBe(false);
    expect(watch.undecided).toEqual([2]);
    expect([watch.of(0), watch.of(1), watch.of(2)]).toEqual([null, null, { reason: 'empty' }]);
  });

  it('names the type a type-name column holds, with the caller’s own idea of a type name', () => {
    const watch = new ColumnWatch([0], (v) => v.startsWith('Custom.'));
    watch.see(['  Custom.Thing ']);
    expect(watch.of(0)).toEqual({ reason: 'type-name', typeName: 'Custom.Thing' });
  });
});
