import { describe, expect, it } from 'vitest';
import {
  ipToBigInt,
  organisationalDomain,
  SenderClassifier,
  serviceForDomain,
  serviceForIp,
} from './senders.ts';
import type { DmarcRecord } from './types.ts';

function rec(over: Partial<DmarcRecord>): DmarcRecord {
  return {
    report: 0,
    sender: -1,
    sourceIp: '192.0.2.1',
    count: 1,
    isCountInvalid: false,
    disposition: 'none',
    dkim: 'fail',
    spf: 'fail',
    isDmarcPass: false,
    reasons: [],
    headerFrom: 'contoso.example',
    envelopeFrom: '',
    envelopeTo: '',
    dkimAuth: [],
    spfAuth: [],
    ...over,
  };
}

describe('IP addresses', () => {
  it('reads IPv4, IPv6 (compressed, mapped) and refuses anything else', () => {
    expect(ipToBigInt('0.0.0.1')).toBe(0xffff00000001n);
    expect(ipToBigInt('::1')).toBe(1n);
    expect(ipToBigInt('2a01:111:f400::1')).toBe(0x2a010111f40000000000000000000001n);
    expect(ipToBigInt('::ffff:10.0.0.1')).toBe(ipToBigInt('10.0.0.1'));
    expect(ipToBigInt(' 12.20.121.1 ')).toBe(ipToBigInt('12.20.121.1'));
    for (const bad of ['', '256.1.1.1', '1.2.3', '1::2::3', '1:2:3', 'mail.example'])
      expect(ipToBigInt(bad)).toBeUndefined();
  });

  it('matches the shipped, dated ranges at their edges', () => {
    expect(serviceForIp('40.107.255.255')?.service.id).toBe('microsoft365');
    expect(serviceForIp('40.108.0.0')).toBeUndefined();
    expect(serviceForIp('2a01:111:f403:c000::5')?.service.id).toBe('microsoft365');
    expect(serviceForIp('209.85.128.0')?.service.id).toBe('google');
    expect(serviceForIp('209.85.127.255')).toBeUndefined();
    expect(serviceForIp('2607:f8b0:4864:20::22a')?.service.id).toBe('google');
    expect(serviceForIp('54.240.8.31')?.service.id).toBe('amazonses');
    expect(serviceForIp('54.240.8.31')?.evidence).toMatch(
      /^IP 54\.240\.0\.0\/18 \(amazonses\.com SPF record, 2024\)$/,
    );
  });
});

describe('domains', () => {
  it('maps a domain or any subdomain of it to a service', () => {
    expect(serviceForDomain('contoso.onmicrosoft.com')?.name).toBe('Microsoft 365');
    expect(serviceForDomain('em1234.sendgrid.net')?.name).toBe('SendGrid');
    expect(serviceForDomain('bounces.mcsv.net')?.name).toBe('Mailchimp / Mandrill');
    expect(serviceForDomain('notsendgrid.net')).toBeUndefined();
    expect(serviceForDomain('contoso.example')).toBeUndefined();
  });

  it('groups by organisation, minding two-level suffixes', () => {
    expect(organisationalDomain('mail.contoso.example')).toBe('contoso.example');
    expect(organisationalDomain('a.b.fabrikam.co.uk')).toBe('fabrikam.co.uk');
    expect(organisationalDomain('example')).toBe('example');
  });
});

describe('SenderClassifier', () => {
  const who = (r: DmarcRecord) => {
    const s = new SenderClassifier().identify(r);
    return [s.name, s.kind];
  };

  it('trusts a listed IP range first', () => {
    expect(
      who(
        rec({
          sourceIp: '40.92.1.1',
          dkimAuth: [{ domain: 'sendgrid.net', selector: 's', result: 'pass', humanResult: '' }],
        }),
      ),
    ).toEqual(['Microsoft 365', 'service']);
  });

  it('then a passing DKIM signature, then a passing SPF check, of a service domain', () => {
    expect(
      who(
        rec({
          dkimAuth: [
            { domain: 'contoso.example', selector: 's', result: 'pass', humanResult: '' },
            { domain: 'mandrillapp.com', selector: 'mandrill', result: 'pass', humanResult: '' },
          ],
        }),
      ),
    ).toEqual(['Mailchimp / Mandrill', 'service']);
    expect(
      who(
        rec({ spfAuth: [{ domain: 'mail.zendesk.com', scope: 'mfrom', result: 'pass', humanResult: '' }] }),
      ),
    ).toEqual(['Zendesk', 'service']);
  });

  it('never believes a failing claim', () => {
    expect(
      who(
        rec({
          dkimAuth: [{ domain: 'google.com', selector: 's', result: 'fail', humanResult: '' }],
          spfAuth: [{ domain: 'amazonses.com', scope: 'mfrom', result: 'softfail', humanResult: '' }],
        }),
      ),
    ).toEqual(['Unknown', 'unknown']);
  });

  it('groups other authenticated mail by organisation: own domain or other', () => {
    expect(
      who(
        rec({
          spfAuth: [{ domain: 'mail.contoso.example', scope: 'mfrom', result: 'pass', humanResult: '' }],
        }),
      ),
    ).toEqual(['Own: contoso.example', 'authenticated']);
    expect(
      who(
        rec({
          dkimAuth: [{ domain: 'lists.fabrikam.example', selector: 's', result: 'pass', humanResult: '' }],
        }),
      ),
    ).toEqual(['Other: fabrikam.example', 'authenticated']);
  });
});
