import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuarantinedUpn } from './conflicts.ts';
import { dnKey, isBelow, isTypeNameValue, parentDn, readBoolean, splitMulti, smtpProxy } from './values.ts';
import { addressProblem, isNonRoutable } from './attributes.ts';

describe('values as exporters write them', () => {
  it('splits multi-valued cells in every rendering', () => {
    expect(splitMulti('SMTP:a@x.com;smtp:b@x.com')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
    expect(splitMulti('SMTP:a@x.com|smtp:b@x.com')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
    expect(splitMulti('{SMTP:a@x.com, smtp:b@x.com}')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
    expect(splitMulti('SMTP:a@x.com\r\nsmtp:b@x.com')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
    expect(splitMulti('["SMTP:a@x.com","smtp:b@x.com"]')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
    expect(
      splitMulti('X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=a'),
    ).toHaveLength(1);
    expect(splitMulti('{}')).toEqual([]);
    expect(splitMulti('')).toEqual([]);
  });

  it('splits a joined cell exactly as splitting, trimming and dropping empty parts would, whatever the count', () => {
    const part = fc.oneof(
      fc.constantFrom('', ' ', 'SMTP:a@x.com', ' smtp:b@y.org '),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 7 }), fc.constantFrom(';', '|'), (parts, sep) => {
        const clean = parts.filter((p) => !p.includes(';') && !p.includes('|') && !/[{}[\],\n]/.test(p));
        const cell = clean.join(sep);
        const v = cell.trim();
        fc.pre(v !== '' && !v.startsWith('{') && !v.startsWith('['));
        // What a cell holding this separator must give, however many parts it has.
        const expected =
          v.includes(';') || v.includes('|')
            ? v
                .split(sep)
                .map((p) => p.trim())
                .filter(Boolean)
            : [v];
        const got = splitMulti(cell);
        expect(got).toEqual(expected);
        expect(got.length).toBe(Object.keys(got).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('knows .NET type names, including generic lists', () => {
    expect(isTypeNameValue('Microsoft.ActiveDirectory.Management.ADPropertyValueCollection')).toBe(true);
    expect(isTypeNameValue('System.Byte[]')).toBe(true);
    expect(isTypeNameValue('System.Collections.Generic.List`1[System.String]')).toBe(true);
    expect(isTypeNameValue('SMTP:system@contoso.com')).toBe(false);
  });

  it('reads booleans and SMTP proxies', () => {
    expect([readBoolean('True'), readBoolean('false'), readBoolean(''), readBoolean(true)]).toEqual([
      true,
      false,
      null,
      true,
    ]);
    expect(smtpProxy('SMTP:John@Contoso.com')).toEqual({ address: 'john@contoso.com', isPrimary: true });
    expect(smtpProxy('smtp:j@contoso.com')?.isPrimary).toBe(false);
    expect(smtpProxy('SIP:j@contoso.com')).toBeUndefined();
  });

  it('handles escaped commas in distinguished names', () => {
    expect(parentDn('CN=Doe\\, John,OU=Sales,DC=x')).toBe('OU=Sales,DC=x');
    expect(parentDn('CN=Back\\\\,OU=Sales,DC=x')).toBe('OU=Sales,DC=x');
    expect(dnKey('OU=Sales, DC=Contoso, DC=com')).toBe('ou=sales,dc=contoso,dc=com');
    expect(isBelow('cn=a,ou=sales\\, emea,dc=x', 'ou=sales\\, emea,dc=x')).toBe(true);
    expect(isBelow('cn=a,ou=sales\\, emea,dc=x', 'emea,dc=x')).toBe(false);
    expect(isBelow('ou=sales,dc=x', 'ou=sales,dc=x')).toBe(false);
  });

  it('recognises quarantined UPNs, malformed addresses and non-routable suffixes', () => {
    expect(isQuarantinedUpn('john.doe1234@contoso.onmicrosoft.com', 'john.doe@contoso.com')).toBe(true);
    expect(isQuarantinedUpn('john.doe@contoso.onmicrosoft.com', 'john.doe@contoso.com')).toBe(false);
    expect(addressProblem('a b@x.com')).toBe('contains space');
    expect(addressProblem('a@@x.com')).toContain('exactly one @');
    expect(addressProblem('a@x')).toBe('the domain has no dot');
    expect([isNonRoutable('contoso.local'), isNonRoutable('contoso'), isNonRoutable('contoso.com')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
