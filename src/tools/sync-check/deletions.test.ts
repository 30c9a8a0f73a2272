import { describe, expect, it } from 'vitest';
import { deletionHeadline } from './deletions.ts';

describe('the deletion verdict on the summary', () => {
  it('says how many the next sync deletes against the threshold', () => {
    expect(
      deletionHeadline({ expectedEntraUserDeletions: 650, threshold: 500, thresholdStatus: 'blocked' }),
    ).toBe(
      'The next sync would delete 650 users — over the threshold of 500: Entra Connect stops the export.',
    );
    expect(
      deletionHeadline({ expectedEntraUserDeletions: 500, threshold: 500, thresholdStatus: 'met' }),
    ).toMatch(/^The next sync would delete 500 users — exactly the threshold of 500/);
    expect(
      deletionHeadline({ expectedEntraUserDeletions: 1, threshold: 1500, thresholdStatus: 'below' }),
    ).toBe('The next sync would delete 1 user — below the threshold of 1,500.');
  });
});
