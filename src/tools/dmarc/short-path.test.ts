import { describe, expect, it } from 'vitest';
import { shortPath } from './short-path.ts';

describe('shortPath', () => {
  it('leaves a short path whole', () => {
    expect(shortPath('reports/a.xml')).toBe('reports/a.xml');
  });

  it('keeps the end, cut after a separator, within the limit', () => {
    const p = 'exports/2026/november/mailbox-a/google.com!contoso.example!1730419200.xml.gz';
    expect(shortPath(p, 48)).toBe('…/google.com!contoso.example!1730419200.xml.gz');
  });

  it('a name longer than the limit keeps its end', () => {
    const s = shortPath('a/google.com!contoso.example!1730419200!1730505599!42.xml.gz', 30);
    expect(s).toBe('…30419200!1730505599!42.xml.gz');
    expect(s.length).toBe(30);
  });

  it('two files in the same long folder stay apart', () => {
    const dir = 'C:/Users/someone/Downloads/dmarc reports from the mailbox/2026/';
    expect(shortPath(dir + 'yahoo-1.xml')).not.toBe(shortPath(dir + 'yahoo-2.xml'));
  });

  it('an archive member keeps the file it came from and its own name', () => {
    expect(shortPath('folder/deeper/still/outlook.eml > report.zip > report.xml', 40)).toBe(
      '…/outlook.eml > report.zip > report.xml',
    );
    const s = shortPath(
      '/tmp/dmarc-e2e-hostile-x1y2/outlook.eml > enterprise.protection.outlook.com!contoso.example!1.xml.gz',
      48,
    );
    expect(s).toBe('outlook.eml…outlook.com!contoso.example!1.xml.gz');
    expect(s.length).toBe(48);
  });
});
