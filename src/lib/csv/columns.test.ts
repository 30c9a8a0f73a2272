import { describe, expect, it } from 'vitest';
import { inspectColumns, isTypeName } from './columns.ts';

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
