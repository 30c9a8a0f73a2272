import { beforeAll, describe, expect, it } from 'vitest';
import { ipTableBytes } from '../../../../scripts/build-ip-tables.mjs';
import { analyse } from '../core.ts';
import { enrichResult, networkOf, senderNetworks } from './group.ts';
import { IpTable } from './lookup.ts';
import { gunzip } from './table.ts';

let table: IpTable;
beforeAll(async () => {
  table = IpTable.read(await gunzip(ipTableBytes()));
});

const row = (ip: string, count: number, spf = 'fail', dkimDomain = '') => `
  <record>
    <row><source_ip>${ip}</source_ip><count>${count}</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>${spf}</spf></policy_evaluated></row>
    <identifiers><header_from>contoso.example</header_from></identifiers>
    <auth_results>${dkimDomain ? `<dkim><domain>${dkimDomain}</domain><result>pass</result></dkim>` : ''}
      <spf><domain>contoso.example</domain><result>${spf}</result></spf></auth_results>
  </record>`;

const xml = (records: string) => `<?xml version="1.0"?>
<feedback>
  <report_metadata><org_name>google.com</org_name><email>noreply-dmarc-support@google.com</email>
    <report_id>1</report_id><date_range><begin>1735689600</begin><end>1735775999</end></date_range></report_metadata>
  <policy_published><domain>contoso.example</domain><p>none</p><sp>none</sp><pct>100</pct></policy_published>
  ${records}
</feedback>`;

async function run(records: string) {
  return analyse([{ name: 'r.xml', bytes: new TextEncoder().encode(xml(records)) }]);
}

describe('enrichResult', () => {
  it('splits the unknown senders by the network holding their addresses, and counts messages per country', async () => {
    const result = await run(
      row('52.97.1.1', 5) +
        row('13.107.1.1', 2) +
        row('10.1.2.3', 3) +
        row('2a01:111:2000::9', 1) +
        row('198.51.100.7', 4, 'pass'),
    );
    expect(result.senders.map((s) => s.name)).toContain('Unknown');
    const before = result.senders.find((s) => s.name === 'Unknown')!;
    const summary = enrichResult(result, table);

    const names = result.senders.map((s) => s.name);
    expect(names).toContain('AS8075 Microsoft Corporation');
    const ms = result.senders.find((s) => s.name === 'AS8075 Microsoft Corporation')!;
    expect(ms.kind).toBe('unknown');
    expect(ms.messages).toBe(8);
    expect(ms.ips).toEqual(['13.107.1.1', '52.97.1.1', '2a01:111:2000::9']);
    expect(ms.evidence).toMatch(/belong to AS8075 Microsoft Corporation \(US\) in the IP table of 20\d\d-/);
    // A private address belongs to no network: it stays unknown.
    const unknown = result.senders.find((s) => s.name === 'Unknown')!;
    expect(unknown.ips).toEqual(['10.1.2.3']);
    expect(unknown.messages + ms.messages).toBe(before.messages - 0);
    // Every record points at the sender that now holds its IP; ids are positions.
    result.senders.forEach((s, i) => expect(s.id).toBe(i));
    for (const r of result.records) expect(result.senders[r.sender]!.ips).toContain(r.sourceIp);
    expect(result.senders.reduce((n, s) => n + s.messages, 0)).toBe(result.totals.messages);

    expect(networkOf(result, '52.97.1.1')).toMatchObject({ asn: 8075, country: 'US' });
    expect(networkOf(result, '10.1.2.3')).toBeUndefined();
    expect(senderNetworks(result, ms)).toEqual([
      { asn: 8075, name: 'Microsoft Corporation', country: 'US', ips: 3 },
    ]);
    expect(summary.ips).toBe(5);
    expect(summary.ipsKnown).toBe(3);
    const us = summary.countries.find((c) => c.country === 'US')!;
    expect(us).toMatchObject({ messages: 8, ips: 3, networks: 1 });
    expect(summary.countries.find((c) => c.country === '')).toMatchObject({
      messages: 7,
      ips: 2,
      networks: 0,
    });
    expect(result.network).toBe(summary);
  });

  it('leaves a result without unknown senders as it was, but for the countries', async () => {
    const result = await run(row('52.97.1.1', 5, 'pass', 'contoso.example'));
    const senders = structuredClone(result.senders);
    enrichResult(result, table);
    expect(result.senders).toEqual(senders);
    expect(result.network?.countries).toEqual([
      { country: 'US', messages: 5, dmarcPass: 5, ips: 1, networks: 1 },
    ]);
  });
});
