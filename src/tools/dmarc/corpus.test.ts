import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import type { DmarcResult } from './types.ts';
import { DMARC_CORPUS, isDmarcCorpusPresent, listCorpusFiles } from '../../../tests/support/dmarc-corpus.ts';

/*
 * The public corpus beside the repository (../shared/fixtures/dmarc/real, see its SOURCES.md). Reference counts
 * come from an independent parser: 406 files → 365 reports, 352 unique (13 duplicates), 20,628 messages and
 * 17,727 DMARC passes over unique reports; 36 files cannot be read as they are, 5 are failure reports.
 * Nothing of the 36 is recovered on purpose.
 */
const ROOT = DMARC_CORPUS;
const isPresent = isDmarcCorpusPresent;
const listFiles = listCorpusFiles;

// Where ../shared is missing the suite is left out, and says so: a silent skip would read as a pass.
if (!isPresent)
  console.warn(`DMARC corpus tests left out: ${ROOT} not found (the public fixtures sit in ../shared).`);
const title = isPresent ? 'the real public corpus' : `the real public corpus (left out: ${ROOT} not found)`;

describe.runIf(isPresent)(title, async () => {
  const paths = isPresent ? listFiles(ROOT) : [];
  const load = () => paths.map((p) => ({ name: relative(ROOT, p), bytes: new Uint8Array(readFileSync(p)) }));
  const r: DmarcResult = await analyse(load());
  const status = (s: string) => r.files.filter((f) => f.status === s).map((f) => f.path);

  it('matches the reference counts', () => {
    expect(paths).toHaveLength(406);
    expect(r.files).toHaveLength(406);
    expect(r.reports).toHaveLength(365);
    expect(r.totals).toMatchObject({ reports: 352, duplicates: 13, messages: 20628, dmarcPass: 17727 });
  });

  it('rejects the 36 unreadable files, each with its reason', () => {
    const rejected = status('rejected');
    expect(rejected).toHaveLength(36);
    expect(rejected.filter((p) => p.startsWith('danielsen-DmarcRua/known-invalid/'))).toHaveLength(31);
    expect(rejected.filter((p) => !p.startsWith('danielsen-DmarcRua/known-invalid/'))).toEqual([
      'keltia-dmarc-cat/bad.xml',
      'keltia-dmarc-cat/bad.zip > bad.xml',
      'parsedmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml',
      'parsedmarc/aggregate/invalid_xml.xml',
      'parsedmarc/empty.xml',
    ]);
    const reason = (p: string) => r.files.find((f) => f.path === p)!.reason;
    expect(reason('parsedmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml')).toBe(
      'line 47, column 11: The XML is not well-formed: unclosed tag: xs:schema.',
    );
    expect(reason('parsedmarc/aggregate/invalid_xml.xml')).toBe(
      'line 5, column 18: The XML is not well-formed: disallowed character in tag name.',
    );
    expect(reason('keltia-dmarc-cat/bad.zip > bad.xml')).toBe('The file is empty.');
    for (const f of r.files.filter(
      (x) => x.path.startsWith('danielsen-DmarcRua/known-invalid/') && x.status === 'rejected',
    )) {
      expect(f.issues[0]).toMatchObject({ code: 'xml-malformed', line: 1 });
    }
  });

  it('reads the 4 ARF failure reports (one a copy) and skips the prose-only one', () => {
    expect(status('skipped')).toEqual(['forensic/parsedmarc/exim_plain_text_only_no_arf_part.eml']);
    expect(r.files.find((f) => f.status === 'skipped')!.issues[0]!.code).toBe('failure-report');
    expect(r.failureReports.map((x) => [x.source, x.duplicateOf])).toEqual([
      [
        'forensic/parsedmarc/DMARC Failure Report for domain.de (mail-from=sharepoint@domain.de, ip=10.10.10.10).eml',
        -1,
      ],
      ['forensic/parsedmarc/[Netease DMARC Failure Report] Rent Reminder.eml', -1],
      ['forensic/parsedmarc/dmarc_ruf_report_linkedin.crlf.eml', -1],
      ['forensic/parsedmarc/dmarc_ruf_report_linkedin.eml', 2],
    ]);
    expect(r.totals.failureReports).toBe(3);
  });

  it('names the 13 duplicates and which copy was kept', () => {
    const dups = r.reports
      .filter((x) => x.duplicateOf >= 0)
      .map((x) => [x.source, r.reports[x.duplicateOf]!.source]);
    expect(dups).toEqual([
      [
        'keltia-dmarc-cat/example.com!keltia.net!1538604008!1538690408.xml.gz',
        'keltia-dmarc-cat/example.com!keltia.net!1538604008!1538690408.xml',
      ],
      [
        'keltia-dmarc-cat/google.com!keltia.net!1538438400!1538524799.zip > google.com!keltia.net!1538438400!1538524799.xml',
        'keltia-dmarc-cat/google.com!keltia.net!1538438400!1538524799.xml',
      ],
      [
        'parsedmarc/aggregate/invalid_utf_8.xml',
        'parsedmarc/aggregate/!example.com!1538204542!1538463818.xml',
      ],
      ['parsedmarc/aggregate/old_draft_from_wiki.xml', 'cry-inc-dmarc-report-viewer/acme.xml'],
      ['parsedmarc/extract_report/nice-input.xml.gz', 'parsedmarc/extract_report/nice-input.xml'],
      [
        'parsedmarc/extract_report/nice-input.xml.zip > nice-input.xml',
        'parsedmarc/extract_report/nice-input.xml',
      ],
      [
        'samuelba-dmarc-report-visualizer/google.com!example.com!1701129600!1701215999.xml.gz',
        'samuelba-dmarc-report-visualizer/google.com!example.com!1701129600!1701215999.xml',
      ],
      [
        'samuelba-dmarc-report-visualizer/google.com!example.com!1701129600!1701215999.xml.zip > google.com!example.com!1701129600!1701215999.xml',
        'samuelba-dmarc-report-visualizer/google.com!example.com!1701129600!1701215999.xml',
      ],
      ['tierpod-dmarc-report-converter/test.xml', 'danielsen-DmarcRua/TestFeedback2.xml'],
      ['tierpod-dmarc-report-converter/test.xml.gz', 'danielsen-DmarcRua/TestFeedback2.xml'],
      ['tierpod-dmarc-report-converter/test.xml.gz.gz', 'danielsen-DmarcRua/TestFeedback2.xml'],
      ['tierpod-dmarc-report-converter/test.xml.zip > test.xml', 'danielsen-DmarcRua/TestFeedback2.xml'],
      // The "NULL report" (empty record) has fewer records than the full copy, which is kept.
      ['tierpod-dmarc-report-converter/test_empty.xml', 'danielsen-DmarcRua/TestFeedback2.xml'],
    ]);
  });

  it('reads reports from mails, weird gzip and all', () => {
    const from = (p: string) => r.reports.find((x) => x.source.startsWith(p));
    expect(from('parsedmarc/aggregate/mimecast-weird-gzip.eml > ')).toMatchObject({
      orgName: 'Mimecast',
      recordCount: 1,
    });
    expect(from('parsedmarc/aggregate/twilight.eml > ')).toMatchObject({ orgName: 'google.com' });
    expect(from('parsedmarc/aggregate/Report domain- borschow.com')).toMatchObject({ orgName: 'google.com' });
    const f = r.files.find((x) => x.path === 'parsedmarc/aggregate/invalid_utf_8.xml')!;
    expect(f.issues.map((i) => i.code)).toEqual(['xml-encoding-fallback', 'duplicate-report']);
  });

  it('saxes alone, without the fast scanner, reaches the identical result, file by file', async () => {
    const saxes = await analyse(load(), { reader: 'saxes' });
    expect(saxes.files).toEqual(r.files);
    expect(saxes).toEqual(r);
  });

  it('the fast-xml-parser reader reaches the same result', async () => {
    const fxp = await analyse(load(), { reader: 'fxp' });
    expect(fxp.totals).toEqual(r.totals);
    expect(fxp.files.map((f) => [f.path, f.status])).toEqual(r.files.map((f) => [f.path, f.status]));
  });
});
