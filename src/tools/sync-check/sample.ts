/**
 * "Try with sample data": a generated AD export, the matching Entra export and a later AD export, with the
 * problems the tool looks for (conflicts, attribute errors, soft matches, users that never synced, deletions).
 * Loaded by the view on demand, so the generator stays out of the tool's first chunk.
 */
import { generate } from './generate.ts';

export const SAMPLE_USERS = 3000;

export interface SampleExports {
  ad: File[];
  entra: File[];
  adAfter: File[];
  /** The in-scope OUs of the generated directory. */
  scope: string[];
}

const file = (name: string, bytes: Uint8Array) =>
  new File([bytes as Uint8Array<ArrayBuffer>], `sample-${name.replace(/^sample-/, '')}`);

export function sampleExports(): SampleExports {
  const g = generate({ users: SAMPLE_USERS, seed: 11, withAfter: true, adStyle: 'ps51', entraStyle: 'mg' });
  return {
    ad: [file('ad-users.csv', g.ad.bytes)],
    entra: g.entra.map((f) => file(f.name, f.bytes)),
    adAfter: g.adAfter ? [file('ad-users-later.csv', g.adAfter.bytes)] : [],
    scope: g.scope,
  };
}
