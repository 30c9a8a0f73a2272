import { describe, expect, it } from 'vitest';
import { analyse } from '../core.ts';
import { generateReports } from '../generate.ts';
import { enrichInPage, pageIpTable } from './load-page.ts';

describe('enrichInPage', () => {
  it('without a table in the build (the single file), says so and leaves the senders as they were', async () => {
    expect(pageIpTable()).toBeUndefined();
    const result = await analyse(generateReports({ reports: 3, seed: 1 }).files);
    const senders = structuredClone(result.senders);
    await enrichInPage(result);
    expect(result.network?.problem).toMatch(/single-file build carries no IP table/);
    expect(result.network?.countries).toEqual([]);
    expect(result.senders).toEqual(senders);
  });

  it('adds nothing to a result without records (only failure or TLS reports)', async () => {
    const result = await analyse(generateReports({ reports: 1, seed: 2 }).files);
    result.records = [];
    await enrichInPage(result);
    expect(result.network).toBeUndefined();
  });
});
