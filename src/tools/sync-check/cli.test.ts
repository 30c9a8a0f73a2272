import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/memory-io.ts';
import { analyse } from './core.ts';
import { generate } from './generate.ts';
import { PairList, toCliJson, type ExplainedPair } from './report.ts';

const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('hybrid-toolbox sync-check', () => {
  const g = generate({ withAfter: true, seed: 4 });
  const files = { 'ad.csv': g.ad.bytes, 'entra.csv': g.entra[0]!.bytes, 'later.csv': g.adAfter!.bytes };
  const scope = g.scope.flatMap((s) => ['--scope', s]);

  it('prints the JSON contract', async () => {
    const m = await runCli(
      [
        'sync-check',
        '--ad',
        'ad.csv',
        '--entra',
        'entra.csv',
        '--ad-after',
        'later.csv',
        '--threshold',
        '3',
        ...scope,
        '--json',
      ],
      files,
    );
    expect(m.code).toBe(0);
    const j = JSON.parse(m.out);
    expect(Object.keys(j)).toEqual([
      'totals',
      'lastSyncTime',
      'sets',
      'matchedPairs',
      'conflicts',
      'warnings',
      'deletionPreview',
    ]);
    expect(Object.keys(j.totals)).toEqual([
      'adUsers',
      'adOutOfScope',
      'adRuleFiltered',
      'adSyncCandidates',
      'entraUsers',
      'matched',
      'adNotInEntra',
      'entraNotInAd',
      'entraCloudOnly',
      'entraGuests',
      'entraOrphanedSynced',
      'entraWithProvisioningErrors',
      'outOfScopeButInEntra',
    ]);
    const adOnly: ExplainedPair[] = j.sets.adNotInEntra;
    expect(adOnly.map(({ adGuid, entraId }) => ({ adGuid, entraId }))).toEqual(g.expected.sets.adNotInEntra);
    expect(adOnly.map((p) => p.reason).sort()).toEqual(Object.values(g.expected.adNotInEntraReasons).sort());
    expect(j.deletionPreview).toMatchObject({
      threshold: 3,
      expectedEntraUserDeletions: 4,
      exceedsThreshold: true,
      thresholdStatus: 'blocked',
    });
    expect(j.conflicts.upnVsOtherUsersProxy).toEqual(g.expected.conflicts.upnVsOtherUsersProxy);
  });

  it('streams exactly the JSON of the contract', async () => {
    const args = ['--ad', 'ad.csv', '--entra', 'entra.csv', '--ad-after', 'later.csv', ...scope];
    const m = await runCli(['sync-check', ...args], files);
    const r = analyse({ ad: [g.ad], entra: g.entra, adAfter: [g.adAfter!], scope: g.scope });
    expect(m.out).toBe(JSON.stringify(toCliJson(r), null, 2) + '\n');
  });

  it('leaves deletionPreview out without --ad-after and prints the unified CSV with --csv', async () => {
    const m = await runCli(['sync-check', '--ad', 'ad.csv', '--entra', 'entra.csv', ...scope], files);
    expect(m.code).toBe(0);
    expect('deletionPreview' in JSON.parse(m.out)).toBe(false);
    const c = await runCli(['sync-check', '--ad', 'ad.csv', '--entra', 'entra.csv', '--csv'], files);
    expect(c.code).toBe(0);
    expect(c.out.split('\r\n')[0]).toMatch(/^Status,AD ObjectGUID,/);
  });

  it('exits 1 with the reason on stderr and no comparison when the AD export is unusable', async () => {
    for (const bad of [new Uint8Array(0), PNG]) {
      const m = await runCli(['sync-check', '--ad', 'bad.csv', '--entra', 'entra.csv'], {
        ...files,
        'bad.csv': bad,
      });
      expect(m.code).toBe(1);
      expect(m.out).toBe('');
      expect(m.err).toMatch(/^bad\.csv: error: /m);
    }
  });

  it('shows an export command once per file, however many warnings carry it', async () => {
    const thin = new TextEncoder().encode('Id,UserPrincipalName\r\n1,a@contoso.com\r\n');
    const m = await runCli(['sync-check', '--ad', 'ad.csv', '--entra', 'thin.csv'], {
      ...files,
      'thin.csv': thin,
    });
    expect(m.err.match(/^thin\.csv: warning: /gm)!.length).toBeGreaterThan(1);
    expect(m.err.match(/Connect-MgGraph/g)).toHaveLength(1);
  });

  it('escapes control codes from file names in messages', async () => {
    const name = 'ad\u001b[2J\u001b[H.csv';
    const m = await runCli(['sync-check', '--ad', name, '--entra', 'entra.csv'], { ...files, [name]: PNG });
    expect(m.code).toBe(1);
    expect(m.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(m.err).toContain('ad\\x1b[2J\\x1b[H.csv: error: ');
  });

  it('rejects bad arguments and a missing file with status 2, before any output', async () => {
    const cases = [
      ['--ad', 'ad.csv'],
      ['--ad', 'ad.csv', '--entra', 'entra.csv', '--threshold', 'many'],
      ['--ad', 'ad.csv', '--entra', 'entra.csv', 'extra'],
      ['--ad', 'nope.csv', '--entra', 'entra.csv'],
    ];
    for (const args of cases) {
      const m = await runCli(['sync-check', ...args], files);
      expect(m.code, args.join(' ')).toBe(2);
      expect(m.out).toBe('');
    }
    expect((await runCli(['sync-check', ...cases[0]!], files)).err).toContain('--entra <file> is required');
    expect((await runCli(['sync-check', ...cases[3]!], files)).err).toBe(
      'nope.csv: error: no such file or folder\n',
    );
  });

  it('sorts pairs by the bytes of their UTF-8 text, not by UTF-16 units or locale', () => {
    // U+E000 is EE 80 80 in UTF-8, before F0 9F 98 80 (U+1F600); in UTF-16 the surrogate D83D comes first.
    const list = new PairList(['a\u{1F600}', 'a\ue000', 'B', 'a', null], ['1', '2', '3', '4', '5']);
    expect(list.toJSON().map((p) => p.adGuid)).toEqual(['B', 'a', 'a\ue000', 'a\u{1F600}', null]);
    let text = '';
    list.writeJson((s) => (text += s), '');
    expect(text).toBe(JSON.stringify(list.toJSON(), null, 2));
  });

  it('writes pairs as JSON.stringify does, with or without values to escape or above U+D7FF', () => {
    const many = (n: number, f: (k: number) => string) => Array.from({ length: n }, (_, k) => f(k));
    const lists = [
      // Nothing to escape, no null: the fixed text carries the quotes.
      new PairList(
        many(300, (k) => `${(k * 7919) % 300}`.padStart(8, '0') + '-guid'),
        many(300, (k) => `e${k}`),
      ),
      // No null, but values JSON escapes or that sort differently in UTF-16.
      new PairList(['b"q', 'c\\d', 'e\n', 'a\u{1F600}', 'a\ue000', ''], ['1', '2', '3', '4', '5', '\u0001']),
    ];
    for (const list of lists) {
      let text = '';
      list.writeJson((s) => (text += s), '  ');
      expect(text).toBe(JSON.stringify(list.toJSON(), null, 2).replaceAll('\n', '\n  '));
    }
    expect(lists[1]!.toJSON().map((p) => p.adGuid)).toEqual([
      '',
      'a\ue000',
      'a\u{1F600}',
      'b"q',
      'c\\d',
      'e\n',
    ]);
  });
});
