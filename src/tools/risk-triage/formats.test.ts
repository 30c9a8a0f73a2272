import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseRisk } from './core.ts';
import {
  cefHeader,
  cefValue,
  cleanText,
  mdEscape,
  psQuote,
  ticketMarkdown,
  ticketPlain,
  toCef,
  toHec,
  toNdjson,
  toSentinel,
} from './formats.ts';

const fixture = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});
const NOW = Date.parse('2026-11-23T12:00:00Z');
const result = analyseRisk({
  files: ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map(fixture),
  now: NOW,
});
const A = 'a1b2c3d4-0001-4000-8000-000000000001';
const user = (upn: string) => result.users.find((u) => u.userPrincipalName === upn)!;

describe('escaping primitives', () => {
  it('CEF header: backslash and pipe escaped, line breaks removed', () => {
    expect(cefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });
  it('CEF extension: backslash and equals escaped, line breaks as \\n and \\r, pipes left alone', () => {
    expect(cefValue('x=y\\z|w\r\nv\rq')).toBe('x\\=y\\\\z|w\\nv\\rq');
  });
  it('PowerShell single quotes are doubled, curly ones too', () => {
    expect(psQuote("o'brien")).toBe("'o''brien'");
    expect(psQuote('o\u2019brien')).toBe("'o\u2019\u2019brien'");
    expect(psQuote('a\nb')).toBe("'a b'");
  });
  it('Markdown syntax in names is shown, not rendered', () => {
    expect(mdEscape('*Bold* [link](http://x) <img> a|b `c` & d_e')).toBe(
      '\\*Bold\\* \\[link\\](http://x) \\<img\\> a\\|b \\`c\\` \\& d\\_e',
    );
    expect(mdEscape('# heading')).toBe('\\# heading');
    expect(mdEscape('1. item')).toBe('1\\. item');
  });
  it('control characters and bidi overrides become spaces', () => {
    expect(cleanText('evil\u202Egnp.exe\u0007')).toBe('evil gnp.exe ');
  });
});

describe('CEF', () => {
  const lines = toCef(result, { productVersion: '0.1.0' }).split('\n');
  it('writes one line per detection, newest first', () => {
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, 7).map((l) => /externalId=(\w+)/.exec(l)?.[1])).toEqual([
      'd7',
      'd1',
      'd2',
      'd3',
      'd4',
      'd6',
      'd5',
    ]);
  });
  it('escapes what Graph sent', () => {
    expect(lines[0]).toBe(
      'CEF:0|Hybrid Toolbox|Risk triage|0.1.0|maliciousIPAddress|Malicious IP address|8|' +
        'rt=1795431600000 start=1795431570000 externalId=d7 suid=a1b2c3d4-0005-4000-8000-000000000005 suser=diego@contoso.com ' +
        'src=203.0.113.99 requestClientApplication=curl/8.0 | x\\=y\\\\\\\\z cat=signin cs1Label=riskLevel cs1=high ' +
        'cs2Label=riskState cs2=atRisk cs3Label=riskDetail cs3=none cs4Label=location cs4=Lagos, Lagos, NG ' +
        'cs5Label=detectionTimingType cs5=realtime cn1Label=userPriority cn1=2 ' +
        'msg=Malicious IP address for diego@contoso.com: risk high, atRisk',
    );
  });
  it('puts an IPv6 address in c6a2 and leaves out what is empty', () => {
    expect(lines[3]).toContain('c6a2Label=Source IPv6 Address c6a2=2001:db8::1');
    expect(lines[3]).not.toContain(' src=');
    // d1 (leaked credentials) has no IP, location, agent or correlation id.
    expect(lines[1]).not.toMatch(/ (src|cs4|cs6|requestClientApplication)=/);
    // "hidden" is not "low": unknown levels get the middle severity.
    expect(lines[6]).toMatch(
      /^CEF:0\|Hybrid Toolbox\|Risk triage\|0\.1\.0\|unlikelyTravel\|Atypical travel\|5\|/,
    );
  });
});

describe('ECS JSON lines', () => {
  const lines = toNdjson(result, { productVersion: '0.1.0' }).trimEnd().split('\n');
  it('is one parseable object per line even with line breaks in names', () => {
    expect(lines).toHaveLength(7);
    const diego = JSON.parse(lines[0]!);
    expect(diego.user.full_name).toBe('Diego "D|S" Sicil\\iani=CEO\nsecond line');
  });
  it('uses ECS field names', () => {
    expect(JSON.parse(lines[2]!)).toEqual({
      '@timestamp': '2026-11-22T18:30:00.000Z',
      ecs: { version: '8.11.0' },
      message: 'Unfamiliar sign-in properties for alex.wilber@contoso.com: risk medium, atRisk',
      event: {
        kind: 'alert',
        category: ['authentication', 'iam'],
        type: ['info'],
        action: 'unfamiliarFeatures',
        id: 'd2',
        provider: 'Microsoft Entra ID Protection',
        dataset: 'entra.risk_detection',
        severity: 47,
        reason: 'Unfamiliar sign-in properties',
        created: '2026-11-22T18:30:00.000Z',
        start: '2026-11-22T18:30:00.000Z',
        url: `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${A}`,
        risk_score: 117,
      },
      user: { id: A, name: 'alex.wilber@contoso.com', full_name: 'Alex Wilber', domain: 'contoso.com' },
      source: {
        ip: '203.0.113.7',
        address: '203.0.113.7',
        geo: {
          city_name: 'Dresden',
          region_name: 'Sachsen',
          country_iso_code: 'DE',
          location: { lat: 51.0714, lon: 13.7399 },
        },
      },
      user_agent: { original: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0' },
      related: { ip: ['203.0.113.7'], user: ['alex.wilber@contoso.com', A] },
      cloud: { provider: 'azure' },
      observer: { vendor: 'Microsoft', product: 'Entra ID Protection' },
      agent: { type: 'hybrid-toolbox', version: '0.1.0' },
      azure: {
        identity_protection: {
          risk_event_type: 'unfamiliarFeatures',
          risk_level: 'medium',
          risk_state: 'atRisk',
          risk_detail: 'none',
          detection_timing_type: 'realtime',
          activity: 'signin',
          source: 'IdentityProtection',
          token_issuer_type: 'AzureAD',
          request_id: '0b9e8f7a-0000-4000-8000-0000000000r2',
          correlation_id: '5f0c2b1e-0000-4000-8000-00000000c0r1',
          last_updated: '2026-11-22T18:30:00.000Z',
          additional_info: [
            { key: 'userAgent', value: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0' },
            { key: 'relatedLocation', value: { clientCity: 'Dresden' } },
          ],
        },
      },
      hybrid_toolbox: {
        priority: 1,
        score: 117,
        synced_from_ad: true,
        admin_roles: ['Global Administrator'],
      },
    });
  });
  it('keeps a malformed additionalInfo as its text', () => {
    expect(JSON.parse(lines[3]!).azure.identity_protection.additional_info).toBe(
      '[{"Key":"userAgent","Value":"Mozilla/5.0"}',
    );
  });
});

describe('Sentinel custom log', () => {
  const records = JSON.parse(toSentinel(result)) as Record<string, unknown>[];
  it('is a JSON array with TimeGenerated and the AADUserRiskEvents columns', () => {
    expect(records).toHaveLength(7);
    expect(records[2]).toEqual({
      TimeGenerated: '2026-11-22T18:30:00.000Z',
      Activity: 'signin',
      ActivityDateTime: '2026-11-22T18:30:00.000Z',
      AdditionalInfo: [
        { Key: 'userAgent', Value: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0' },
        { Key: 'relatedLocation', Value: { clientCity: 'Dresden' } },
      ],
      CorrelationId: '5f0c2b1e-0000-4000-8000-00000000c0r1',
      DetectedDateTime: '2026-11-22T18:30:00.000Z',
      DetectionTimingType: 'realtime',
      Id: 'd2',
      IpAddress: '203.0.113.7',
      LastUpdatedDateTime: '2026-11-22T18:30:00.000Z',
      Location: {
        city: 'Dresden',
        state: 'Sachsen',
        countryOrRegion: 'DE',
        geoCoordinates: { latitude: 51.0714, longitude: 13.7399 },
      },
      OperationName: 'User Risk Detection',
      RequestId: '0b9e8f7a-0000-4000-8000-0000000000r2',
      RiskDetail: 'none',
      RiskEventType: 'unfamiliarFeatures',
      RiskLevel: 'medium',
      RiskState: 'atRisk',
      Source: 'IdentityProtection',
      TokenIssuerType: 'AzureAD',
      UserDisplayName: 'Alex Wilber',
      UserId: A,
      UserPrincipalName: 'alex.wilber@contoso.com',
    });
  });
  it('writes empty values as null and keeps the name with its line break', () => {
    expect(records[1]).toMatchObject({
      IpAddress: null,
      Location: null,
      RequestId: null,
      AdditionalInfo: null,
    });
    expect(records[0]!.UserDisplayName).toBe('Diego "D|S" Sicil\\iani=CEO\nsecond line');
  });
});

describe('Splunk HEC', () => {
  const lines = toHec(result).trimEnd().split('\n');
  it('writes one event object per line with epoch seconds and indexed fields', () => {
    expect(lines).toHaveLength(7);
    const d1 = JSON.parse(lines[1]!);
    expect(d1.time).toBe(1795413600);
    expect(d1.source).toBe('hybrid-toolbox:risk-triage');
    expect(d1.sourcetype).toBe('_json');
    expect(d1.fields).toEqual({
      risk_level: 'high',
      risk_event_type: 'leakedCredentials',
      user: 'alex.wilber@contoso.com',
      priority: 'P1',
    });
    expect(d1.event).toMatchObject({
      id: 'd1',
      riskEventName: 'Leaked credentials',
      ipAddress: null,
      location: null,
      userPriority: 1,
      isSyncedFromAd: true,
    });
  });
  it('keeps the user agent with its pipe, equals sign and backslashes intact', () => {
    expect(JSON.parse(lines[0]!).event.userAgent).toBe('curl/8.0 | x=y\\\\z');
  });
});

describe('tickets', () => {
  it('writes a plain ticket with facts, steps and the exact follow-up', () => {
    const fiona = ticketPlain(user('fiona@contoso.com'));
    expect(fiona).toBe(
      [
        '[P3] Risky user: Fiona Kelly (fiona@contoso.com)',
        '',
        'Priority:       P3 (score 25)',
        'Why:            User risk level medium (+25)',
        'User:           Fiona Kelly (fiona@contoso.com)',
        'Object ID:      a1b2c3d4-0006-4000-8000-000000000006',
        'User risk:      level medium, state unknown (a value newer than this tool), detail some brand new detail, updated 2026-11-15 00:00 UTC',
        'Account source: unknown (no user data loaded): check onPremisesSyncEnabled before resetting the password',
        'Admin roles:    not known',
        '',
        'Detections (0, newest first):',
        '  (none in the loaded data)',
        '',
        'Service-desk steps:',
        '  1. Reach the user through a channel you already trust (the phone number in the directory, in person) — never by replying to an e-mail — and go through the detections and sign-ins below: were they the user?',
        '  2. If any was not, or the detection is leaked credentials or a confirmed compromise, treat the account as compromised: Reset the password where the account is mastered: on-premises AD if it is synced, else in the Entra admin center.',
        '  3. Revoke the user’s sessions and refresh tokens so a stolen session ends (command below).',
        '  4. Check the authentication methods (MFA) registered in the last days and remove any the user does not know.',
        '  5. Then confirm the user compromised in Identity Protection (so risk-based policies act), or — if everything was the user’s own activity — dismiss the user risk.',
        '  6. Record what the user said and what was done in this ticket.',
        '',
        'Follow-up in Microsoft Graph PowerShell:',
        'Connect-MgGraph -Scopes IdentityRiskyUser.ReadWrite.All,User.RevokeSessions.All',
        '# The account is compromised:',
        "Confirm-MgRiskyUserCompromised -UserIds 'a1b2c3d4-0006-4000-8000-000000000006'",
        "Revoke-MgUserSignInSession -UserId 'a1b2c3d4-0006-4000-8000-000000000006'",
        '# Or: every detection was the user’s own activity:',
        "Invoke-MgDismissRiskyUser -UserIds 'a1b2c3d4-0006-4000-8000-000000000006'",
        '',
        'Links:',
        '  The user in Entra: https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/a1b2c3d4-0006-4000-8000-000000000006',
        '  Risky users report: https://entra.microsoft.com/#view/Microsoft_AAD_IAM/IdentityProtectionMenuBlade/~/RiskyUsers',
        '  Risk detections report: https://entra.microsoft.com/#view/Microsoft_AAD_IAM/IdentityProtectionMenuBlade/~/RiskDetections',
        '',
      ].join('\n'),
    );
  });

  it('sends a synced user to an on-premises reset', () => {
    const alex = ticketPlain(user('alex.wilber@contoso.com'));
    expect(alex).toContain(
      'Account source: synced from on-premises AD (contoso.local\\awilber): reset the password on-premises',
    );
    expect(alex).toContain('AD object:      CN=Alex Wilber,OU=Staff,DC=contoso,DC=local');
    expect(alex).toContain('Admin roles:    Global Administrator');
    expect(alex).toContain(
      "Set-ADAccountPassword -Identity 'awilber' -Reset -NewPassword (Read-Host -AsSecureString 'New password')",
    );
    expect(alex).toContain("Set-ADUser -Identity 'awilber' -ChangePasswordAtLogon $true");
    expect(alex).toContain(
      '  - 2026-11-22 18:30 UTC · Unfamiliar sign-in properties · level medium · at risk · IP 203.0.113.7 · Dresden, Sachsen, DE · agent Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0',
    );
    const megan = ticketPlain(user('megan.bowen@contoso.com'));
    expect(megan).toContain('Account source: cloud-only: reset the password in Entra');
    expect(megan).not.toContain('Set-ADAccountPassword');
  });

  it('keeps an injected name on one line in text and inert in Markdown', () => {
    const diego = user('diego@contoso.com');
    expect(ticketPlain(diego).split('\n')[0]).toBe(
      '[P2] Risky user: Diego "D|S" Sicil\\iani=CEO second line (diego@contoso.com)',
    );
    const md = ticketMarkdown(diego);
    expect(md.split('\n')[0]).toBe(
      '## \\[P2\\] Risky user: Diego "D\\|S" Sicil\\\\iani=CEO second line (diego@contoso.com)',
    );
    expect(md).toContain(
      '```powershell\nConnect-MgGraph -Scopes IdentityRiskyUser.ReadWrite.All,User.RevokeSessions.All\n',
    );
    expect(md).toContain(
      '- [The user in Entra](<https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/a1b2c3d4-0005-4000-8000-000000000005>)',
    );
    // Every table row keeps exactly three pipes: none leaks from the data.
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) {
      expect(row.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(3);
    }
  });

  it('adds the mailbox step only for mailbox detections', () => {
    expect(ticketPlain(user('alex.wilber@contoso.com'))).not.toContain('inbox rules');
  });
});
