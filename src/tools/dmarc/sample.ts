/**
 * "Try with sample data": generated aggregate reports, so a first visit shows what the tool answers before anyone
 * collects real reports. Loaded by the view on demand (the generator stays out of the tool's first chunk).
 */
import { generateReports } from './generate.ts';

export const SAMPLE_REPORTS = 240;

/** Reports from five receivers about three fictional domains, as `.zip`, `.xml.gz` and `.xml`, named `sample-…`. */
export function sampleFiles(): File[] {
  // Numbered: two reports of one receiver for one domain and day would otherwise share a name.
  return generateReports({ reports: SAMPLE_REPORTS, seed: 7 }).files.map(
    (f, i) =>
      new File([f.bytes as Uint8Array<ArrayBuffer>], `sample-${String(i + 1).padStart(3, '0')}-${f.name}`),
  );
}
