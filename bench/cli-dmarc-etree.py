"""A straightforward DMARC aggregate summariser in Python (xml.etree + gzip/zipfile), the comparison for the
DMARC CLI: every .xml, .xml.gz/.gz and .zip in a folder, totals of messages and DMARC passes, per source IP."""
import gzip
import io
import os
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter


def documents(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        yield gzip.decompress(data)
    elif data[:4] == b'PK\x03\x04':
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                yield z.read(name)
    else:
        yield data


def main(folder):
    reports = records = messages = passed = 0
    by_ip = Counter()
    seen = set()
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            for doc in documents(os.path.join(root, name)):
                try:
                    tree = ET.fromstring(doc)
                except ET.ParseError:
                    continue
                meta = tree.find('report_metadata')
                key = (meta.findtext('org_name'), meta.findtext('report_id')) if meta is not None else None
                if key in seen:
                    continue
                seen.add(key)
                reports += 1
                for rec in tree.iter('record'):
                    row = rec.find('row')
                    if row is None:
                        continue
                    count = int(row.findtext('count') or 0)
                    ev = row.find('policy_evaluated')
                    ok = ev is not None and 'pass' in (ev.findtext('dkim'), ev.findtext('spf'))
                    records += 1
                    messages += count
                    passed += count if ok else 0
                    by_ip[row.findtext('source_ip')] += count
    print(f'{reports} reports, {records} records, {messages} messages, {passed} DMARC pass, {len(by_ip)} IPs')


main(sys.argv[1])
