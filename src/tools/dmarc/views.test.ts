import { describe, expect, it } from 'vitest';
import { failureRows, filterFailures, groupFailures } from './failure-view.ts';
import { tlsDayRows, tlsPolicyRows, tlsResultRows } from './tls-view.ts';
import type { FailureReport, TlsReport } from './types.ts';

const failure = (o: Partial<FailureReport>): FailureReport => ({
  source: 'f.eml',
  input: 'f.eml',
  feedbackType: 'auth-failure',
  userAgent: '',
  version: '1',
  arrivalDate: null,
  arrivalDateText: '',
  sourceIp: '',
  sourceHost: '',
  reportedDomain: 'contoso.example',
  authFailure: 'dmarc',
  deliveryResult: '',
  originalMailFrom: '',
  originalRcptTo: '',
  originalEnvelopeId: '',
  identityAlignment: '',
  dkimDomain: '',
  dkimSelector: '',
  dkimIdentity: '',
  spfDns: '',
  authenticationResults: '',
  reportingMta: '',
  incidents: 1,
  subject: '',
  from: '',
  to: '',
  date: '',
  messageId: '',
  headers: [],
  isHeadersOnly: false,
  duplicateOf: -1,
  ...o,
});

describe('the failure-report view', () => {
  const reports = [
    failure({ sourceIp: '192.0.2.1', subject: 'Invoice', arrivalDate: 100 }),
    failure({ sourceIp: '192.0.2.1', subject: 'Payment', arrivalDate: 50, authFailure: 'spf' }),
    failure({
      sourceIp: '40.107.22.105',
      subject: 'Invoice',
      arrivalDate: 70,
      reportedDomain: 'fabrikam.example',
    }),
    failure({ sourceIp: '192.0.2.1', subject: 'Invoice', duplicateOf: 0 }),
  ];
  const rows = failureRows(reports, [{ id: 3, name: 'Microsoft 365', ips: ['40.107.22.105'] }]);

  it('lists unique reports and links a source to its aggregate-report sender', () => {
    expect(rows.map((r) => [r.index, r.sender?.name])).toEqual([
      [0, undefined],
      [1, undefined],
      [2, 'Microsoft 365'],
    ]);
  });

  it('filters by words, domain and failed mechanism', () => {
    expect(
      filterFailures(rows, { text: 'invoice', domain: '', authFailure: '' }).map((r) => r.index),
    ).toEqual([0, 2]);
    expect(
      filterFailures(rows, { text: '', domain: 'fabrikam.example', authFailure: '' }).map((r) => r.index),
    ).toEqual([2]);
    expect(filterFailures(rows, { text: '', domain: '', authFailure: 'spf' }).map((r) => r.index)).toEqual([
      1,
    ]);
  });

  it('groups by source and by subject', () => {
    expect(
      groupFailures(rows, 'source').map((g) => [g.key, g.reports, g.others, g.first, g.last, g.sender?.id]),
    ).toEqual([
      ['192.0.2.1', 2, ['Invoice', 'Payment'], 50, 100, undefined],
      ['40.107.22.105', 1, ['Invoice'], 70, 70, 3],
    ]);
    expect(groupFailures(rows, 'subject').map((g) => [g.key, g.reports, g.others, g.domains])).toEqual([
      ['Invoice', 2, ['192.0.2.1', '40.107.22.105'], ['contoso.example', 'fabrikam.example']],
      ['Payment', 1, ['192.0.2.1'], ['contoso.example']],
    ]);
  });
});

describe('the TLS view', () => {
  const tls = (o: Partial<TlsReport>): TlsReport => ({
    source: 't.json',
    input: 't.json',
    organizationName: 'Google Inc.',
    contactInfo: '',
    reportId: 'r',
    begin: Date.UTC(2025, 0, 1) / 1000,
    end: Date.UTC(2025, 0, 1, 23, 59, 59) / 1000,
    policies: [],
    successfulSessions: 0,
    failedSessions: 0,
    duplicateOf: -1,
    ...o,
  });
  const detail = (resultType: string, mx: string, n: number) => ({
    resultType,
    sendingMtaIp: '',
    receivingMxHostname: mx,
    receivingMxHelo: '',
    receivingIp: '',
    failedSessions: n,
    additionalInformation: '',
    failureReasonCode: '',
  });
  const reports = [
    tls({
      policies: [
        {
          policyType: 'sts',
          policyDomain: 'contoso.example',
          policyStrings: [],
          mxHosts: ['*.mail.contoso.example'],
          successfulSessions: 90,
          failedSessions: 12,
          failures: [
            detail('certificate-expired', 'mx1.mail.contoso.example', 8),
            detail('starttls-not-supported', 'mx2.mail.contoso.example', 2),
          ],
        },
      ],
    }),
    tls({
      begin: Date.UTC(2025, 0, 2) / 1000,
      end: Date.UTC(2025, 0, 2, 23, 59, 59) / 1000,
      policies: [
        {
          policyType: 'sts',
          policyDomain: 'contoso.example',
          policyStrings: [],
          mxHosts: ['*.mail.contoso.example'],
          successfulSessions: 100,
          failedSessions: 5,
          failures: [detail('certificate-expired', 'mx1.mail.contoso.example', 5)],
        },
      ],
    }),
    tls({
      duplicateOf: 0,
      policies: [
        {
          policyType: 'sts',
          policyDomain: 'x',
          policyStrings: [],
          mxHosts: [],
          successfulSessions: 1,
          failedSessions: 0,
          failures: [],
        },
      ],
    }),
  ];

  it('sessions per policy domain and MX; failures the details leave out stay with the policy', () => {
    expect(tlsPolicyRows(reports).map((r) => [r.mx, r.reports, r.successful, r.failed])).toEqual([
      ['mx1.mail.contoso.example', 2, 0, 13],
      ['*.mail.contoso.example', 2, 190, 2],
      ['mx2.mail.contoso.example', 1, 0, 2],
    ]);
  });

  it('per day', () => {
    expect(tlsDayRows(reports)).toEqual([
      { day: '2025-01-01', policyDomain: 'contoso.example', successful: 90, failed: 12 },
      { day: '2025-01-02', policyDomain: 'contoso.example', successful: 100, failed: 5 },
    ]);
  });

  it('failures ranked by result type, with meaning and fix', () => {
    const rows = tlsResultRows(reports);
    expect(rows.map((r) => [r.resultType, r.sessions, r.details, r.mxHosts])).toEqual([
      ['certificate-expired', 13, 2, ['mx1.mail.contoso.example']],
      ['starttls-not-supported', 2, 1, ['mx2.mail.contoso.example']],
    ]);
    expect(rows[0]!.fix).toMatch(/Renew/);
  });
});
