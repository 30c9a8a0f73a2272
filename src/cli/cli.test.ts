import { existsSync, readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { esc, escapeText } from './escape.ts';
import { expandPaths, lazyInputs, stdinLines } from './input.ts';
import { compareBytes } from '../lib/text/compare-bytes.ts';
import { commands, formatIssue, main } from './main.ts';
import { memoryIo, runCli } from './memory-io.ts';
import { createOutput } from './output.ts';

describe('the CLI layer', () => {
  it('lists every tool from its declaration, and exits 2 without a tool', async () => {
    // Found by folder: every tool with a command.ts, nothing listed by hand.
    const folders = readdirSync(new URL('../tools/', import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(new URL(`../tools/${d.name}/command.ts`, import.meta.url)))
      .map((d) => d.name)
      .sort();
    expect(commands.map((c) => c.name)).toEqual(folders);
    expect(folders).toEqual(
      expect.arrayContaining(['dmarc', 'immutable-id', 'move-report', 'risk-triage', 'sync-check']),
    );
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.out).toContain(`  ${c.name}`);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V'])
      expect(await runCli([flag])).toEqual({ code: 0, out: `hybrid-toolbox ${manifest.version}\n`, err: '' });
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: hybrid-toolbox <tool>');
    const unknown = await runCli(['nope\u001b[2J']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      'hybrid-toolbox: error: unknown tool "nope\\x1b[2J"; hybrid-toolbox --help lists them\n',
    );
  });

  it('every tool documents the same exit contract and its own exit 1', async () => {
    for (const c of commands) {
      const r = await runCli([c.name, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: hybrid-toolbox ${c.name}`);
      expect(r.out).toContain(
        `Exit status: 0 ran and every input was usable; 1 ${c.exit1}; 2 usage error, missing file or unreadable path.`,
      );
    }
  });

  it('formats problems as path:line:col: severity: message with the hint indented', () => {
    expect(
      formatIssue('hybrid-toolbox x', {
        code: 'c',
        severity: 'error',
        file: 'a > b\u001b.xml',
        line: 3,
        column: 7,
        message: 'bad\nthing',
        hint: 'Get-X |\n  Export-Csv',
      }),
    ).toBe('a > b\\x1b.xml:3:7: error: bad\\x0athing\n    Get-X |\n      Export-Csv\n');
    expect(formatIssue('hybrid-toolbox x', { code: 'c', severity: 'warning', message: 'm' })).toBe(
      'hybrid-toolbox x: warning: m\n',
    );
  });

  it('escapes every control character, C1 and bidi override, nothing else', () => {
    expect(escapeText('a\tb\nc\rd\u001b[31m\u0007\u007f\u0085\u202e\u2066é😀\\')).toBe(
      'a\tb\nc\\x0dd\\x1b[31m\\x07\\x7f\\x85\\u{202e}\\u{2066}é😀\\',
    );
    expect(esc('a\tb\nc')).toBe('a\\x09b\\x0ac');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(escapeText(s)).not.toMatch(
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
        );
        expect(esc(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });

  it('writes JSON piece by piece, the same text as JSON.stringify(value, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.date({ noInvalidDate: true })), (v, d) => {
        const value = { v, d: d ?? undefined, list: [v, undefined, () => 1] };
        let text = '';
        const out = createOutput((s) => void (text += s));
        out.json(value);
        void out.flush();
        expect(text).toBe(JSON.stringify(value, null, 2) + '\n');
      }),
    );
  });

  it('writes long arrays entry by entry, with the same text', () => {
    const big = {
      a: Array.from({ length: 1000 }, (_, i) => ({
        i,
        s: `x\n"${i}"`,
        nested: [i, { deep: [1, 2] }],
        u: undefined,
      })),
      b: { list: Array.from({ length: 300 }, (_, i) => [i, null, 'é😀']), empty: [], o: {} },
      d: new Date(0),
    };
    let text = '';
    const out = createOutput((s) => void (text += s));
    out.json(big);
    void out.flush();
    expect(text).toBe(JSON.stringify(big, null, 2) + '\n');
  });

  it('walks folders recursively in byte order and reports a missing path', async () => {
    const m = memoryIo({
      'd/b.xml': 'x',
      'd/a/z.xml': 'xx',
      'd/B.xml': '',
      'd/\u00e9.xml': '',
      'f.xml': 'y',
    });
    const files = await expandPaths(m.io, ['d', '-', 'f.xml']);
    expect(files.map((f) => f.name)).toEqual([
      'd/B.xml',
      'd/a/z.xml',
      'd/b.xml',
      'd/é.xml',
      '<stdin>',
      'f.xml',
    ]);
    expect(files[1]!.size).toBe(2);
    await expect(expandPaths(m.io, ['nope'])).rejects.toMatchObject({
      path: 'nope',
      message: 'no such file or folder',
    });
    expect(compareBytes('\ue000', '\u{1F600}')).toBeLessThan(0);
    expect(compareBytes('a', 'ab')).toBeLessThan(0);
  });

  it('reads ahead within a window and hands every file over once, in order', async () => {
    const disk: Record<string, string> = {};
    for (let i = 0; i < 100; i++) disk[`d/${String(i).padStart(3, '0')}`] = 'x'.repeat(i);
    const m = memoryIo(disk);
    let reads = 0;
    const readFile = m.io.readFile;
    m.io.readFile = (p) => (reads++, readFile(p));
    const files = await expandPaths(m.io, ['d']);
    const lazy = lazyInputs(m.io, files, { ahead: 8, maxBytes: 1 << 20 });
    expect(reads).toBe(0);
    expect((await lazy[0]!.read()).length).toBe(0);
    expect(reads).toBe(9);
    for (let i = 1; i < 100; i++) expect((await lazy[i]!.read()).length).toBe(i);
    expect(reads).toBe(100);
  });

  it('splits stdin into lines across chunk borders, CRLF split included', async () => {
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const m = memoryIo({}, '\ufeffa\r\nb\rc\n\nd\r\n', chunk);
      const lines: string[] = [];
      for await (const l of stdinLines(m.io)) lines.push(l);
      expect(lines, `chunk ${chunk}`).toEqual(['a', 'b', 'c', '', 'd']);
    }
  });

  it('a bug is reported as a bug, exit 1, without a stack trace', async () => {
    const m = memoryIo({ 'x.json': 'null' });
    // A runner that throws something that is not an InputError.
    const spec = commands.find((c) => c.name === 'risk-triage')!;
    const load = spec.load;
    spec.load = async () => ({
      run: async () => {
        throw new TypeError('x is undefined');
      },
    });
    try {
      expect(await main(['risk-triage', 'x.json'], m.io)).toBe(1);
    } finally {
      spec.load = load;
    }
    expect(m.err()).toMatch(/^hybrid-toolbox risk-triage: bug: TypeError: x is undefined\n.*Please report/);
    expect(m.err()).not.toContain('    at ');
  });
});
