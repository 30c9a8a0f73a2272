import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import {
  dispositionsCsv,
  domainsCsv,
  failingCsv,
  filesCsv,
  recordsCsv,
  reportersCsv,
  sendersCsv,
} from './exports.ts';

const fixture = (name: string) =>
  new TextDecoder().decode(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('CSV exports per view', async () => {
  // A hostile reporter name: a spreadsheet must show it as text, not run it.
  const evil = fixture('mimecast.xml').replace(
    '<org_name>Mimecast</org_name>',
    '<org_name>=HYPERLINK("http://x.example","Mimecast")</org_name>',
  );
  const r = await analyse([
    { name: 'google.xml', bytes: new TextEncoder().encode(fixture('google.xml')) },
    { name: '@evil.xml', bytes: new TextEncoder().encode(evil) },
  ]);

  it('starts with a BOM and a header row, CRLF lines, and neutralises formulas', () => {
    const reporters = reportersCsv(r);
    expect(reporters.split('\r\n')).toEqual([
      '\ufeffReporter,Email,Reports,Messages,DMARC pass,Pass %,Domains,First day,Last day',
      'google.com,noreply-dmarc-support@google.com,1,23,20,87,1,2025-01-01,2025-01-01',
      `"'=HYPERLINK(""http://x.example"",""Mimecast"")",no-reply@eu-1.mimecastreport.com,1,3,1,33.3,1,2025-01-01,2025-01-01`,
      '',
    ]);
    expect(filesCsv(r).split('\r\n')[2]).toBe("'@evil.xml,ok,,,1");
  });

  it('has one row per item of each view', () => {
    const rows = (csv: string) => csv.split('\r\n').length - 2;
    expect(rows(sendersCsv(r))).toBe(r.senders.length);
    expect(rows(failingCsv(r))).toBe(r.senders.filter((s) => s.dmarcFail > 0).length);
    expect(rows(domainsCsv(r))).toBe(2);
    expect(rows(dispositionsCsv(r))).toBe(1);
    expect(rows(recordsCsv(r))).toBe(6);
    expect(sendersCsv(r).split('\r\n')[0]).toBe(
      '\ufeffSender,Kind,Category,Evidence,Messages,DMARC pass,DMARC fail,Pass %,DKIM aligned,SPF aligned,Overrides,IPs,Reporters,Header From',
    );
  });
});
