/**
 * "Try with sample data": generated reports of all three kinds, so a first visit shows what the tool answers before
 * anyone collects real reports. Loaded by the view on demand (the generators stay out of the tool's first chunk).
 */
import { generateReports } from './generate.ts';
import { generateFailureReports, generateTlsReports } from './generate-kinds.ts';

export const SAMPLE_REPORTS = 240;
export const SAMPLE_FAILURE_REPORTS = 12;
export const SAMPLE_TLS_REPORTS = 30;

/**
 * Aggregate reports from five receivers about three fictional domains (`.zip`, `.xml.gz`, `.xml`), failure reports
 * (`.eml`) and SMTP TLS reports (`.json`, `.json.gz`), named `sample-…`.
 */
export function sampleFiles(): File[] {
  const aggregate = generateReports({ reports: SAMPLE_REPORTS, seed: 7 });
  const files = [
    ...aggregate.files,
    ...generateFailureReports(SAMPLE_FAILURE_REPORTS, 11, aggregate.sourceIps),
    ...generateTlsReports(SAMPLE_TLS_REPORTS),
  ];
  // Numbered: two reports of one receiver for one domain and day would otherwise share a name.
  return files.map(
    (f, i) =>
      new File([f.bytes as Uint8Array<ArrayBuffer>], `sample-${String(i + 1).padStart(3, '0')}-${f.name}`),
  );
}
