/**
 * What the tool knows about sending services, without any network access. Two kinds of evidence:
 *  - domains a service signs with (DKIM d=) or bounces through (SPF / envelope domain), matched as suffixes;
 *  - published IP ranges of the largest platforms, dated: they change, so each table says when and where it was read.
 * Deliberately modest: a wrong name is worse than "unknown".
 */

export interface ServiceDef {
  id: string;
  name: string;
  category: string;
  /** A domain matches when it equals one of these or ends with `.` + one of these. */
  domains: readonly string[];
}

export const SERVICES: readonly ServiceDef[] = [
  {
    id: 'microsoft365',
    name: 'Microsoft 365',
    category: 'Mailbox provider',
    domains: ['onmicrosoft.com', 'protection.outlook.com', 'outlook.com', 'hotmail.com'],
  },
  {
    id: 'google',
    name: 'Google Workspace / Gmail',
    category: 'Mailbox provider',
    domains: ['google.com', 'googlemail.com', 'gmail.com', 'gappssmtp.com'],
  },
  { id: 'amazonses', name: 'Amazon SES', category: 'Transactional email', domains: ['amazonses.com'] },
  {
    id: 'sendgrid',
    name: 'SendGrid',
    category: 'Transactional email',
    domains: ['sendgrid.net', 'sendgrid.com'],
  },
  {
    id: 'mailgun',
    name: 'Mailgun',
    category: 'Transactional email',
    domains: ['mailgun.org', 'mailgun.net'],
  },
  { id: 'sparkpost', name: 'SparkPost', category: 'Transactional email', domains: ['sparkpostmail.com'] },
  {
    id: 'postmark',
    name: 'Postmark',
    category: 'Transactional email',
    domains: ['mtasv.net', 'postmarkapp.com'],
  },
  {
    id: 'mailchimp',
    name: 'Mailchimp / Mandrill',
    category: 'Marketing email',
    domains: ['mcsv.net', 'mcdlv.net', 'rsgsv.net', 'mailchimpapp.net', 'mandrillapp.com'],
  },
  {
    id: 'brevo',
    name: 'Brevo (Sendinblue)',
    category: 'Marketing email',
    domains: ['sendinblue.com', 'brevo.com'],
  },
  { id: 'mailjet', name: 'Mailjet', category: 'Marketing email', domains: ['mailjet.com'] },
  {
    id: 'constantcontact',
    name: 'Constant Contact',
    category: 'Marketing email',
    domains: ['constantcontact.com'],
  },
  {
    id: 'hubspot',
    name: 'HubSpot',
    category: 'Marketing email',
    domains: ['hubspotemail.net', 'hubspot.com'],
  },
  { id: 'marketo', name: 'Marketo', category: 'Marketing email', domains: ['mktomail.com'] },
  {
    id: 'salesforce',
    name: 'Salesforce',
    category: 'CRM',
    domains: ['salesforce.com', 'exacttarget.com', 'force.com'],
  },
  { id: 'zendesk', name: 'Zendesk', category: 'Help desk', domains: ['zendesk.com'] },
  { id: 'freshdesk', name: 'Freshdesk', category: 'Help desk', domains: ['freshdesk.com'] },
  { id: 'servicenow', name: 'ServiceNow', category: 'Help desk', domains: ['service-now.com'] },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    category: 'Mailbox provider',
    domains: ['zoho.com', 'zohomail.com', 'zoho.eu'],
  },
  {
    id: 'proofpoint',
    name: 'Proofpoint',
    category: 'Mail security gateway',
    domains: ['pphosted.com', 'ppe-hosted.com'],
  },
  { id: 'mimecast', name: 'Mimecast', category: 'Mail security gateway', domains: ['mimecast.com'] },
];

export interface IpRangeTable {
  service: string;
  /** Where the ranges were published. */
  source: string;
  /** When that publication was read (or its own version date). */
  asOf: string;
  ranges: readonly string[];
}

export const IP_RANGES: readonly IpRangeTable[] = [
  {
    // Microsoft 365 worldwide endpoints, Exchange Online ID 10 (*.mail.protection.outlook.com, TCP 25),
    // endpoints version 2022072800, MicrosoftDocs/microsoft-365-docs office-365-worldwide-endpoints.md.
    service: 'microsoft365',
    source: 'Microsoft 365 URLs and IP address ranges, Exchange Online ID 10',
    asOf: '2022-07-28',
    ranges: [
      '40.92.0.0/15',
      '40.107.0.0/16',
      '52.100.0.0/14',
      '104.47.0.0/17',
      '2a01:111:f400::/48',
      '2a01:111:f403::/48',
    ],
  },
  {
    // _spf.google.com → _netblocks.google.com and _netblocks2.google.com TXT records as published in 2024
    // (_netblocks3 is left out: its list changes more often).
    service: 'google',
    source: '_netblocks.google.com / _netblocks2.google.com SPF records',
    asOf: '2024-03-05',
    ranges: [
      '35.190.247.0/24',
      '64.233.160.0/19',
      '66.102.0.0/20',
      '66.249.80.0/20',
      '72.14.192.0/18',
      '74.125.0.0/16',
      '108.177.8.0/21',
      '173.194.0.0/16',
      '209.85.128.0/17',
      '216.58.192.0/19',
      '216.239.32.0/19',
      '2001:4860:4000::/36',
      '2404:6800:4000::/36',
      '2607:f8b0:4000::/36',
      '2800:3f0:4000::/36',
      '2a00:1450:4000::/36',
      '2c0f:fb50:4000::/36',
    ],
  },
  {
    // amazonses.com SPF TXT record as published in 2024 (the ranges present in every reading of that year).
    service: 'amazonses',
    source: 'amazonses.com SPF record',
    asOf: '2024',
    ranges: [
      '199.255.192.0/22',
      '199.127.232.0/22',
      '54.240.0.0/18',
      '54.240.64.0/19',
      '54.240.96.0/19',
      '69.169.224.0/20',
      '23.249.208.0/20',
      '23.251.224.0/19',
      '76.223.128.0/19',
      '76.223.176.0/20',
      '216.221.160.0/19',
    ],
  },
];

/** Second-level labels under which organisations register (co.uk…); enough to group by organisation, not a PSL. */
export const SECOND_LEVEL_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'com.br',
  'net.br',
  'org.br',
  'com.mx',
  'gob.mx',
  'com.cn',
  'com.tw',
  'co.kr',
  'co.za',
  'co.in',
  'com.sg',
  'com.hk',
  'com.tr',
  'com.ar',
  'co.il',
  'com.pl',
]);
