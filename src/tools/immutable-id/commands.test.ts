import { describe, expect, it } from 'vitest';
import {
  anchorCommands,
  graphImmutableIdUrl,
  readingCommands,
  resultCommands,
  storedAnchor,
} from './commands.ts';
import { convertId } from './core.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';

describe('commands for a GUID reading', () => {
  it('finds the AD object and the Entra user, and converts both ways', () => {
    const commands = readingCommands(convertId(GUID).readings[0]!).map((c) => c.code);
    expect(commands).toEqual([
      'Get-ADUser -Identity 748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f',
      "Get-ADUser -LDAPFilter '(mS-DS-ConsistencyGuid=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F)'",
      `Get-MgUser -Filter "onPremisesImmutableId eq 'JC2LdB0sEUucPB2eXYo7Dw=='"`,
      "https://graph.microsoft.com/v1.0/users?$filter=onPremisesImmutableId%20eq%20'JC2LdB0sEUucPB2eXYo7Dw%3D%3D'",
      "[Convert]::ToBase64String(([guid]'748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f').ToByteArray())",
      "[guid]([Convert]::FromBase64String('JC2LdB0sEUucPB2eXYo7Dw=='))",
    ]);
  });

  it('URL-encodes + / and = in the Graph $filter', () => {
    expect(graphImmutableIdUrl('L+Kifssxl0yJ6xt/Aar+QA==')).toBe(
      "https://graph.microsoft.com/v1.0/users?$filter=onPremisesImmutableId%20eq%20'L%2BKifssxl0yJ6xt%2FAar%2BQA%3D%3D'",
    );
  });
});

describe('commands for an Entra object id', () => {
  it('looks it up in Entra only', () => {
    const commands = resultCommands(convertId(`User_${GUID}`));
    expect(commands).toEqual([
      {
        as: 'Entra object id',
        commands: [
          { title: 'Entra user by object id', code: `Get-MgUser -UserId ${GUID}` },
          { title: 'Any Entra object by id', code: `Get-MgDirectoryObject -DirectoryObjectId ${GUID}` },
          { title: 'Graph request', code: `https://graph.microsoft.com/v1.0/directoryObjects/${GUID}` },
        ],
      },
    ]);
  });
});

describe('commands for text and string anchors', () => {
  it('filters on the base64 Entra stores for a text anchor, whichever alphabet was pasted', () => {
    const r = convertId('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
    expect(storedAnchor(r)).toBe('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
    expect(storedAnchor(convertId('TcO8bGxlcg'))).toBe('TcO8bGxlcg==');
    expect(anchorCommands(r)[0]?.code).toBe(
      `Get-MgUser -Filter "onPremisesImmutableId eq 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'"`,
    );
  });

  it('quotes a string anchor for OData and PowerShell', () => {
    // A mail address set as the ImmutableID may hold ' and $ (both are legal in its local part).
    const r = convertId("o'brien$1@contoso.com");
    expect(r.kind).toBe('string-anchor');
    expect(anchorCommands(r).map((c) => c.code)).toEqual([
      `Get-MgUser -Filter "onPremisesImmutableId eq 'o''brien\`$1@contoso.com'"`,
      "https://graph.microsoft.com/v1.0/users?$filter=onPremisesImmutableId%20eq%20'o''brien%241%40contoso.com'",
    ]);
  });

  it('has nothing to run for invalid input', () => {
    expect(resultCommands(convertId('74 E5'))).toEqual([]);
  });
});
