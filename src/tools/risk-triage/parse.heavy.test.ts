import { describe, expect, it } from 'vitest';
import { LIMITS, parseRiskFiles } from './parse.ts';

describe('a file past the size cap', () => {
  it('is refused before decoding, with the cap in the message, and the other files are used', () => {
    const big = new Uint8Array(LIMITS.fileBytes + 1).fill(0x5b);
    const good = new TextEncoder().encode(
      JSON.stringify([{ id: 'u1', riskLevel: 'high', riskState: 'atRisk', riskLastUpdatedDateTime: null }]),
    );
    const data = parseRiskFiles([
      { name: 'huge.json', bytes: big },
      { name: 'good.json', bytes: good },
    ]);
    expect(data.riskyUsers.map((u) => u.id)).toEqual(['u1']);
    expect(data.issues[0]).toMatchObject({
      code: 'too-large',
      severity: 'error',
      file: 'huge.json',
      message: expect.stringContaining('Risk triage reads files up to 256 MiB'),
    });
  });
});
