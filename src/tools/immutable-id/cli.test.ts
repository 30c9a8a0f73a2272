import { describe, expect, it } from 'vitest';
import { runCli as runAny } from '../../cli/memory-io.ts';
import { convertId } from './core.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';
const ID = 'JC2LdB0sEUucPB2eXYo7Dw==';

const runCli = (args: string[], stdin?: string, chunk?: number) =>
  runAny(['immutable-id', ...args], {}, stdin, chunk);

describe('immutable-id CLI', () => {
  it('prints the documented JSON shape and exits 0 when every value is understood', async () => {
    const { code, out } = await runCli([GUID, 'SABlAGwAbABvACAAdwBvAHIAbABkACEA', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['results']);
    expect(json.results).toHaveLength(2);
    expect(json.results[0]).toEqual({
      input: GUID,
      kind: 'guid',
      readings: [
        {
          as: 'GUID (D format)',
          guid: GUID,
          immutableId: ID,
          hex: '242d8b741d2c114b9c3c1d9e5d8a3b0f',
          ldapFilter: '(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F)',
          connectorSpaceDn: 'CN={4A43324C64423073455575635042326558596F3744773D3D}',
          bigEndianGuid: '242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f',
          cloudSid: 'S-1-12-1-1955278116-1259416605-2652716188-255560285',
        },
      ],
    });
    expect(json.results[1]).toMatchObject({
      kind: 'text-anchor',
      readings: [],
      text: 'Hello world!',
      encoding: 'utf-16le',
    });
    expect(json.results[1]).not.toHaveProperty('error');
  });

  it('prints every result and exits 1 when any value is invalid', async () => {
    const { code, out } = await runCli([ID, '74 E5 D2', GUID, '--json']);
    expect(code).toBe(1);
    const { results } = JSON.parse(out);
    expect(results.map((r: { kind: string }) => r.kind)).toEqual(['immutable-id', 'invalid', 'guid']);
    expect(results[1]).toEqual({
      input: '74 E5 D2',
      kind: 'invalid',
      readings: [],
      error: '3 octets; a GUID is 16 bytes',
    });
  });

  it('reads one value per line from stdin with "-"', async () => {
    const { code, out } = await runCli(['-', '--json'], `${GUID}\r\n\r\n${ID}\nE012345\n`);
    expect(code).toBe(0);
    const { results } = JSON.parse(out);
    expect(results.map((r: { input: string }) => r.input)).toEqual([GUID, ID, 'E012345']);
    expect(results[1].readings[0].guid).toBe(GUID);
    expect(results[2]).toMatchObject({ kind: 'string-anchor', text: 'E012345' });
  });

  it('takes the sixteen lines of $guid.ToByteArray() on stdin as one value', async () => {
    const bytes = [36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59, 15];
    const { out } = await runCli(['-', '--json'], bytes.join('\r\n') + '\r\n');
    const { results } = JSON.parse(out);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ kind: 'byte-array', input: bytes.join(', ') });
    expect(results[0].readings[0].guid).toBe(GUID);
  });

  it('mixes arguments and stdin in order', async () => {
    const { out } = await runCli([GUID, '-', '--json'], `${ID}\n`);
    expect(JSON.parse(out).results.map((r: { input: string }) => r.input)).toEqual([GUID, ID]);
  });

  it('writes one CSV row per reading, and one for a value without readings', async () => {
    const { code, out } = await runCli(['748b2d242c1d4b119c3c1d9e5d8a3b0f', 'E012345', '--csv']);
    expect(code).toBe(0);
    const lines = out.split('\r\n');
    expect(lines[0]).toBe(
      'input,kind,as,guid,immutableId,hex,ldapFilter,connectorSpaceDn,bigEndianGuid,text,error,cloudSid,note',
    );
    expect(lines).toHaveLength(5);
    expect(
      lines[1]!.startsWith(
        '748b2d242c1d4b119c3c1d9e5d8a3b0f,hex-ambiguous,GUID (N format),' + GUID + ',' + ID,
      ),
    ).toBe(true);
    expect(
      lines[2]!.startsWith(
        '748b2d242c1d4b119c3c1d9e5d8a3b0f,hex-ambiguous,AD octet string,242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f,',
      ),
    ).toBe(true);
    expect(lines[3]!.startsWith('E012345,string-anchor,,,,,,,,E012345,,,')).toBe(true);
    expect(lines[4]).toBe('');
  });

  it('prints a readable block per value by default', async () => {
    const { code, out } = await runCli([GUID, 'bad*padding=']);
    expect(code).toBe(1);
    expect(out).toContain(`${GUID}\n  kind: guid\n  GUID (D format)\n    GUID               ${GUID}\n`);
    expect(out).toContain(`    ImmutableID        ${ID}\n`);
    expect(out).toContain(`    > Get-MgUser -Filter "onPremisesImmutableId eq '${ID}'"\n`);
    expect(out).toContain(
      "bad*padding=\n  kind: invalid\n  error: illegal base64 character '*' (character 4)\n",
    );
  });

  it('reports usage errors with status 2 and prints nothing on stdout', async () => {
    for (const args of [[], [GUID, '--json', '--csv'], [GUID, '--json=yes']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
    }
    const unknown = await runCli([GUID, '--xml']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      'hybrid-toolbox immutable-id: error: unknown option --xml\nRun "hybrid-toolbox immutable-id --help" for usage.\n',
    );
  });

  it('takes a base64url ImmutableID that starts with "-" as a value, not an option', async () => {
    const { code, out } = await runCli(['-C2LdB0sEUucPB2eXYo7Dw', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).results[0].kind).toBe('immutable-id');
  });

  it('prints its usage with --help, from the declaration', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: hybrid-toolbox immutable-id <value>… [--json|--csv]');
    expect(r.out).toContain('Exit status: 0 ran and every input was usable; 1 a value was not understood');
  });

  it('streams 300,000 values from stdin, in order, as exact JSON', async () => {
    const guid = (i: number) => `${i.toString(16).padStart(8, '0')}-2c1d-4b11-9c3c-1d9e5d8a3b0f`;
    const lines = Array.from({ length: 300_000 }, (_, i) => guid(i));
    lines[150_000] = 'bad*padding=';
    const r = await runCli(['-', '--json'], lines.join('\r\n') + '\r\n', 4093);
    expect(r.code).toBe(1);
    const { results } = JSON.parse(r.out);
    expect(results).toHaveLength(300_000);
    expect(results[299_999].input).toBe(guid(299_999));
    expect(results[299_999].readings[0].guid).toBe(guid(299_999));
    expect(results[150_000]).toMatchObject({ input: 'bad*padding=', kind: 'invalid' });
    const small = await runCli(['-', '--json'], lines.slice(0, 50).join('\n'));
    expect(small.out).toBe(JSON.stringify({ results: lines.slice(0, 50).map(convertId) }, null, 2) + '\n');
  });

  it('escapes terminal control codes in text, keeps them exact in JSON and CSV', async () => {
    const hostile = 'E0\u001b[2J\u001b[Hall good\u009b31m\u202e';
    const text = await runCli([hostile]);
    expect(text.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text.out).toContain('E0\\x1b[2J\\x1b[Hall good\\x9b31m\\u{202e}');
    const json = await runCli([hostile, '--json']);
    expect(JSON.parse(json.out).results[0].input).toBe(hostile);
    const csv = await runCli([hostile, '--csv']);
    expect(csv.out).toContain(hostile);
  });
});
