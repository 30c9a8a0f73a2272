import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../cli/memory-io.ts';
import { cli } from './cli.ts';
import { generate } from './generate.ts';

describe('hybrid-toolbox sync-check', () => {
  const g = generate({ withAfter: true, seed: 4 });
  const files = { 'ad.csv': g.ad.bytes, 'entra.csv': g.entra[0]!.bytes, 'later.csv': g.adAfter!.bytes };
  const scope = g.scope.flatMap((s) => ['--scope', s]);

  it('prints the JSON contract', async () => {
    const m = memoryIo(
      [
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
    expect(await cli.run(m.io)).toBe(0);
    const j = JSON.parse(m.out());
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
    expect(j.sets.adNotInEntra).toEqual(g.expected.sets.adNotInEntra);
    expect(j.deletionPreview).toMatchObject({
      threshold: 3,
      expectedEntraUserDeletions: 4,
      exceedsThreshold: true,
      thresholdStatus: 'blocked',
    });
    expect(j.conflicts.upnVsOtherUsersProxy).toEqual(g.expected.conflicts.upnVsOtherUsersProxy);
  });

  it('leaves deletionPreview out without --ad-after and prints the unified CSV with --csv', async () => {
    const m = memoryIo(['--ad', 'ad.csv', '--entra', 'entra.csv', ...scope], files);
    expect(await cli.run(m.io)).toBe(0);
    expect('deletionPreview' in JSON.parse(m.out())).toBe(false);
    const c = memoryIo(['--ad', 'ad.csv', '--entra', 'entra.csv', '--csv'], files);
    expect(await cli.run(c.io)).toBe(0);
    expect(c.out().split('\r\n')[0]).toMatch(/^Status,AD ObjectGUID,/);
  });

  it('rejects bad arguments with status 2 and a missing file with status 1', async () => {
    const a = memoryIo(['--ad', 'ad.csv'], files);
    expect(await cli.run(a.io)).toBe(2);
    expect(a.err()).toContain('--entra is required');
    const b = memoryIo(['--ad', 'ad.csv', '--entra', 'entra.csv', '--threshold', 'many'], files);
    expect(await cli.run(b.io)).toBe(2);
    const c = memoryIo(['--ad', 'nope.csv', '--entra', 'entra.csv'], files);
    expect(await cli.run(c.io)).toBe(1);
    expect(c.err()).toContain('nope.csv');
  });
});
