import { gzipSync, zipSync } from 'fflate';

/**
 * Aggregate reports and report mails built from parts, for the tests that feed the core hostile input beside good
 * input (unit, property and end-to-end). The shapes follow what receivers really send: Google's zip, Microsoft's
 * gzip in a mail with an HTML body, Yahoo's trailing tabs.
 */

export interface ReportParts {
  org?: string;
  reportId?: string;
  domain?: string;
  begin?: string;
  end?: string;
  p?: string;
  pct?: string;
  records?: RecordParts[];
  /** Inserted as is before `</feedback>`. */
  extra?: string;
}

export interface RecordParts {
  ip?: string;
  count?: string;
  dkim?: string;
  spf?: string;
  disposition?: string;
  headerFrom?: string;
}

const enc = new TextEncoder();

export function reportXml(r: ReportParts = {}): string {
  const records = (r.records ?? [{}])
    .map(
      (x) =>
        `<record><row><source_ip>${x.ip ?? '192.0.2.1'}</source_ip><count>${x.count ?? '1'}</count><policy_evaluated><disposition>${x.disposition ?? 'none'}</disposition><dkim>${x.dkim ?? 'pass'}</dkim><spf>${x.spf ?? 'fail'}</spf></policy_evaluated></row><identifiers><header_from>${x.headerFrom ?? r.domain ?? 'contoso.example'}</header_from></identifiers><auth_results><spf><domain>${r.domain ?? 'contoso.example'}</domain><result>pass</result></spf></auth_results></record>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback>
<report_metadata><org_name>${r.org ?? 'google.com'}</org_name><email>noreply-dmarc-support@google.com</email><report_id>${r.reportId ?? '1'}</report_id><date_range><begin>${r.begin ?? '1735689600'}</begin><end>${r.end ?? '1735775999'}</end></date_range></report_metadata>
<policy_published><domain>${r.domain ?? 'contoso.example'}</domain><adkim>r</adkim><aspf>r</aspf><p>${r.p ?? 'none'}</p><sp>none</sp><pct>${r.pct ?? '100'}</pct></policy_published>
${records}${r.extra ?? ''}
</feedback>
`;
}

export const reportBytes = (r: ReportParts = {}): Uint8Array => enc.encode(reportXml(r));

const b64 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(s).replace(/(.{76})/g, '$1\r\n');
};

/**
 * A report mail as Outlook.com sends it: multipart/mixed with an HTML body (which is not XML: `<br>`, `&nbsp;`)
 * and the report as a base64 gzip attachment.
 */
export function outlookMail(report: Uint8Array, id = '1'): string {
  const name = `enterprise.protection.outlook.com!contoso.example!1735689600!1735776000.xml.gz`;
  return [
    'Received: from DM6PR00MB0000.namprd00.prod.outlook.com',
    'From: DMARC Aggregate Report <dmarcreport@microsoft.com>',
    'To: <dmarc@contoso.example>',
    `Subject: Report Domain: contoso.example Submitter: enterprise.protection.outlook.com Report-ID: ${id}`,
    `Message-ID: <${id}@outlook.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="_002_MS_"',
    '',
    '--_002_MS_',
    'Content-Type: multipart/alternative; boundary="_000_MS_"',
    '',
    '--_000_MS_',
    'Content-Type: text/plain; charset="us-ascii"',
    '',
    'This is a DMARC aggregate report from Microsoft Corporation.',
    '--_000_MS_',
    'Content-Type: text/html; charset="us-ascii"',
    '',
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=us-ascii"></head><body><div>This is a DMARC aggregate report from Microsoft Corporation.&nbsp;For more information<br></div></body></html>',
    '--_000_MS_--',
    '',
    '--_002_MS_',
    `Content-Type: application/gzip; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(gzipSync(report)),
    '--_002_MS_--',
    '',
  ].join('\r\n');
}

/** An mbox of report mails, one report each (gzip attachments in Outlook.com's shape). */
export function reportMbox(reports: Uint8Array[]): Uint8Array {
  return enc.encode(
    reports
      .map((r, i) => `From MAILER-DAEMON Wed Jan  1 00:00:00 2025\r\n${outlookMail(r, String(i + 1))}`)
      .join('\r\n'),
  );
}

/** A zip whose first member's stored CRC-32 is wrong: the bytes of a damaged download. */
export function zipWithBadCrc(files: Record<string, Uint8Array>): Uint8Array {
  const zip = zipSync(files, { level: 0 });
  // The first central directory entry's CRC field: the directory starts where the end record says.
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  const cd = view.getUint32(eocd + 16, true);
  view.setUint32(cd + 16, (view.getUint32(cd + 16, true) ^ 0xdeadbeef) >>> 0, true);
  return zip;
}

/** The binary formats people drop by mistake, by their first bytes. */
export const BINARY_STARTS = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
  pdf: [...enc.encode('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n')],
  jpeg: [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0],
} as const;

export function xlsxBytes(): Uint8Array {
  return zipSync({
    '[Content_Types].xml': enc.encode('<Types/>'),
    'xl/workbook.xml': enc.encode('<workbook/>'),
  });
}
