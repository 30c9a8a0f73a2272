/** The fictional Contoso people of every tool's sample data, so the samples name the same staff. */
const FIRST = ['Adele', 'Alex', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia'];
const LAST = [
  'Vance',
  'Wilber',
  'Siciliani',
  'Archie',
  'Mueller',
  'Langer',
  'Lorenz',
  'Sherman',
  'Gu',
  'Holloway',
];

/** Person `i`: every pair of the 100 names once per round; `round` counts from 0 and tells namesakes apart. */
export function sampleName(i: number): { first: string; last: string; round: number } {
  return {
    first: FIRST[i % FIRST.length]!,
    last: LAST[Math.floor(i / FIRST.length) % LAST.length]!,
    round: Math.floor(i / (FIRST.length * LAST.length)),
  };
}
