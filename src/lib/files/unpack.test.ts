import { describe, expect, it } from 'vitest';
import { Deflate, deflateSync, gzipSync, zipSync } from 'fflate';
import { decodeBase64, decodeEncodedWords, decodeQuotedPrintable, parseParams, sniffMail } from './mime.ts';
import {
  crc32,
  detectContainer,
  extractEntry,
  unpack,
  type UnpackItem,
  type UnpackLimits,
} from './unpack.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const run = (name: string, bytes: Uint8Array, limits?: Partial<UnpackLimits>) => [
  ...unpack({ name, bytes }, limits),
];
const entries = (items: UnpackItem[]) =>
  items.flatMap((i) => (i.kind === 'entry' ? [[i.path, dec(i.bytes)] as const] : []));
const failures = (items: UnpackItem[]) =>
  items.flatMap((i) => (i.kind === 'failed' ? [[i.path, i.issue.code] as const] : []));

const XML =
  '<?xml version="1.0"?><feedback><report_metadata><org_name>x</org_name></report_metadata></feedback>';

/** A zip written by hand, so that headers can lie (flags, method, sizes) the way damaged or hostile archives do. */
function handZip(
  members: {
    name: string;
    data: Uint8Array;
    method?: number;
    size?: number;
    flags?: number;
    /** CRC-32 of the uncompressed content; stored members default to their data's. */
    crc?: number;
  }[],
  prefix = 0,
): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = prefix;
  for (const m of members) {
    const name = enc(m.name);
    const method = m.method ?? 8;
    const size = m.size ?? m.data.length;
    const crc = m.crc ?? (method === 0 ? crc32(m.data) : 0);
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(6, m.flags ?? 0, true);
    lh.setUint16(8, method, true);
    lh.setUint32(14, crc, true);
    lh.setUint32(18, m.data.length, true);
    lh.setUint32(22, size, true);
    lh.setUint16(26, name.length, true);
    locals.push(new Uint8Array(lh.buffer), name, m.data);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(8, m.flags ?? 0, true);
    ch.setUint16(10, method, true);
    ch.setUint32(16, crc, true);
    ch.setUint32(20, m.data.length, true);
    ch.setUint32(24, size, true);
    ch.setUint16(28, name.length, true);
    ch.setUint32(42, offset, true);
    central.push(new Uint8Array(ch.buffer), name);
    offset += 30 + name.length + m.data.length;
  }
  const cd = cat(...central);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, members.length, true);
  eocd.setUint16(10, members.length, true);
  eocd.setUint32(12, cd.length, true);
  eocd.setUint32(16, offset, true);
  return cat(new Uint8Array(prefix), ...locals, cd, new Uint8Array(eocd.buffer));
}

/** Deflated zeros without holding them all: what a compression bomb is made of. */
function deflatedZeros(total: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const d = new Deflate({ level: 1 }, (c) => chunks.push(c));
  const zeros = new Uint8Array(Math.min(total, 1 << 22));
  for (let n = 0; n < total; n += zeros.length) d.push(zeros, n + zeros.length >= total);
  return cat(...chunks);
}

function mail(headers: string, body: string): Uint8Array {
  return enc(headers.replace(/\n/g, '\r\n') + '\r\n\r\n' + body.replace(/\n/g, '\r\n'));
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/(.{76})/g, '$1\n');

describe('detectContainer: by content, never by name', () => {
  it('recognises zip, gzip, mail and leaves documents alone', () => {
    expect(detectContainer(zipSync({ a: enc('x') }))).toBe('zip');
    expect(detectContainer(gzipSync(enc('x')))).toBe('gzip');
    expect(detectContainer(enc('Received: from x\nSubject: Report\nFrom: a@b\n\nbody'))).toBe('mail');
    expect(
      detectContainer(enc('From MAILER-DAEMON Thu Jan  1 00:00:00 2025\nFrom: a@b\nSubject: x\n\nbody')),
    ).toBe('mbox');
    expect(detectContainer(enc(XML))).toBeUndefined();
    expect(detectContainer(enc('{"organization-name":"x"}'))).toBeUndefined();
    expect(detectContainer(enc('Hello: this is prose\nnot a mail'))).toBeUndefined();
  });

  it('opens a gzip named .xml and keeps an XML named .zip as it is', () => {
    expect(entries(run('report.xml', gzipSync(enc(XML))))).toEqual([['report.xml', XML]]);
    expect(entries(run('report.zip', enc(XML)))).toEqual([['report.zip', XML]]);
  });
});

describe('gzip', () => {
  it('reads every member of a multi-member file', () => {
    const items = run('r.xml.gz', cat(gzipSync(enc('<a>')), gzipSync(enc('</a>'))));
    expect(entries(items)).toEqual([['r.xml.gz', '<a></a>']]);
  });

  it('ignores trailing garbage after the last member, with a warning', () => {
    const items = run('r.xml.gz', cat(gzipSync(enc(XML)), enc('\0\0\0\0garbage after the stream')));
    expect(entries(items)).toEqual([['r.xml.gz', XML]]);
    const entry = items.find((i) => i.kind === 'entry');
    expect(entry?.kind === 'entry' && entry.issues.map((i) => i.code)).toEqual(['gzip-trailing-data']);
    // Mimecast's gzip ends with the mail's CRLF.
    expect(entries(run('m.xml.gz', cat(gzipSync(enc(XML)), enc('\r\n'))))).toEqual([['m.xml.gz', XML]]);
  });

  it('opens gzip inside gzip and keeps the file path', () => {
    const items = run('test.xml.gz.gz', gzipSync(gzipSync(enc(XML))));
    expect(items).toMatchObject([{ kind: 'entry', path: 'test.xml.gz.gz', containers: ['gzip', 'gzip'] }]);
  });

  it('rejects a truncated gzip without taking the rest down', () => {
    const gz = gzipSync(enc(XML.repeat(50)));
    expect(failures(run('cut.gz', gz.subarray(0, gz.length - 40)))).toEqual([['cut.gz', 'archive-corrupt']]);
  });
});

describe('zip', () => {
  it('reads every member, stored or deflated, skips folders, names members with " > "', () => {
    const zip = zipSync({
      'a.xml': [enc('<a/>'), { level: 0 }],
      'dir/': new Uint8Array(0),
      'dir/b.xml': enc('<b/>'),
    });
    expect(entries(run('x.zip', zip))).toEqual([
      ['x.zip > a.xml', '<a/>'],
      ['x.zip > dir/b.xml', '<b/>'],
    ]);
  });

  it('opens gzip and zip members recursively', () => {
    const inner = zipSync({ 'deep.xml': enc('<d/>') });
    const zip = zipSync({ 'r.xml.gz': gzipSync(enc('<g/>')), 'inner.zip': [inner, { level: 0 }] });
    expect(entries(run('x.zip', zip))).toEqual([
      ['x.zip > r.xml.gz', '<g/>'],
      ['x.zip > inner.zip > deep.xml', '<d/>'],
    ]);
  });

  it('keeps members with the same name apart', () => {
    const zip = handZip([
      { name: 'r.xml', data: enc('<one/>'), method: 0 },
      { name: 'r.xml', data: enc('<two/>'), method: 0 },
    ]);
    expect(entries(run('d.zip', zip))).toEqual([
      ['d.zip > r.xml', '<one/>'],
      ['d.zip > r.xml (2)', '<two/>'],
    ]);
  });

  it('reports encrypted and unsupported members one by one and reads the others', () => {
    const zip = handZip([
      { name: 'secret.xml', data: enc('xxxx'), method: 0, flags: 1 },
      { name: 'bz.xml', data: enc('BZh9'), method: 12 },
      { name: 'ok.xml', data: deflateSync(enc('<ok/>')), size: 5, crc: crc32(enc('<ok/>')) },
    ]);
    const items = run('m.zip', zip);
    expect(failures(items)).toEqual([
      ['m.zip > secret.xml', 'archive-encrypted'],
      ['m.zip > bz.xml', 'archive-method'],
    ]);
    expect(entries(items)).toEqual([['m.zip > ok.xml', '<ok/>']]);
    expect(items.find((i) => i.kind === 'failed' && i.path.endsWith('bz.xml'))).toMatchObject({
      issue: { message: expect.stringMatching(/bzip2/) },
    });
  });

  it('rejects a truncated archive and an empty one', () => {
    const zip = zipSync({ 'a.xml': enc(XML) });
    expect(failures(run('cut.zip', zip.subarray(0, zip.length - 30)))).toEqual([
      ['cut.zip', 'archive-corrupt'],
    ]);
    expect(failures(run('empty.zip', zipSync({})))).toEqual([['empty.zip', 'archive-empty']]);
  });

  it('refuses a member that inflates past the size its header declares', () => {
    const zip = handZip([{ name: 'liar.xml', data: deflateSync(enc('x'.repeat(5000))), size: 100 }]);
    expect(failures(run('liar.zip', zip))).toEqual([['liar.zip > liar.xml', 'archive-corrupt']]);
  });
});

describe('mail and mbox', () => {
  const zip = zipSync({ 'google.com!contoso.example!1735689600!1735775999.xml': enc(XML) });

  it('takes a base64 zip attachment out of a multipart mail, beside its text body', () => {
    const eml = mail(
      'Received: from mail-it1-f201.google.com\nFrom: noreply-dmarc-support@google.com\nSubject: Report domain: contoso.example Submitter: google.com Report-ID: 4702939190393750915\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="000000000000b6b5f5057e1c8e1d"',
      `--000000000000b6b5f5057e1c8e1d\nContent-Type: text/plain; charset="UTF-8"\n\nThis is an aggregate report from google.com.\n--000000000000b6b5f5057e1c8e1d\nContent-Type: application/zip; \n\tname="google.com!contoso.example!1735689600!1735775999.zip"\nContent-Disposition: attachment; \n\tfilename="google.com!contoso.example!1735689600!1735775999.zip"\nContent-Transfer-Encoding: base64\n\n${b64(zip)}\n--000000000000b6b5f5057e1c8e1d--\n`,
    );
    const items = run('report.eml', eml);
    expect(items.map((i) => i.kind)).toEqual(['mail', 'entry', 'entry', 'mail-end']);
    expect(items[0]).toMatchObject({
      kind: 'mail',
      info: {
        path: 'report.eml',
        contentType: 'multipart/mixed',
        subject: expect.stringMatching(/^Report domain/),
      },
    });
    expect(items[1]).toMatchObject({
      kind: 'entry',
      path: 'report.eml > part 1',
      part: { isBody: true, contentType: 'text/plain' },
    });
    expect(items[2]).toMatchObject({
      kind: 'entry',
      path: 'report.eml > google.com!contoso.example!1735689600!1735775999.zip > google.com!contoso.example!1735689600!1735775999.xml',
      containers: ['mail', 'zip'],
      mails: ['report.eml'],
    });
    expect(items[2]?.kind === 'entry' && dec(items[2].bytes)).toBe(XML);
  });

  it('reads a single-part mail whose body is the attachment, with an RFC 2231 file name', () => {
    const gz = gzipSync(enc(XML));
    const eml = mail(
      "From: no-reply@eu-1.mimecastreport.com\nSubject: Report domain: contoso.example\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment;\n filename*=utf-8''mimecast.org%21contoso.example%21r%C3%A9port.xml.gz",
      b64(gz),
    );
    expect(entries(run('m.eml', eml))).toEqual([['m.eml > mimecast.org!contoso.example!réport.xml.gz', XML]]);
  });

  it('decodes a quoted-printable XML attachment and a nested message/rfc822', () => {
    const inner =
      'From: a@b\nSubject: fwd\nContent-Type: text/xml; name="r.xml"\nContent-Transfer-Encoding: quoted-printable\n\n<?xml version=3D"1.0"?><feedback>=\n</feedback>';
    const eml = mail(
      'From: admin@contoso.example\nSubject: Fwd: report\nContent-Type: multipart/mixed; boundary=XX',
      `--XX\nContent-Type: message/rfc822\n\n${inner}\n--XX--`,
    );
    const items = run('fwd.eml', eml);
    expect(entries(items)).toEqual([
      ['fwd.eml > part 1 > r.xml', '<?xml version="1.0"?><feedback></feedback>'],
    ]);
    expect(items.filter((i) => i.kind === 'mail').map((i) => i.kind === 'mail' && i.info.path)).toEqual([
      'fwd.eml',
      'fwd.eml > part 1',
    ]);
  });

  it('splits an mbox into its messages', () => {
    const msg = (n: number) =>
      `From: r${n}@example.net\nSubject: report ${n}\nContent-Type: text/xml; name="r${n}.xml"\n\n<r${n}/>\n`;
    const box = enc(
      `From MAILER-DAEMON Thu Jan  1 00:00:00 2025\n${msg(1)}\nFrom MAILER-DAEMON Thu Jan  2 00:00:00 2025\n${msg(2)}`,
    );
    expect(entries(run('in.mbox', box))).toEqual([
      ['in.mbox > message 1 > r1.xml', '<r1/>\n'],
      ['in.mbox > message 2 > r2.xml', '<r2/>\n'],
    ]);
  });

  it('has the MIME pieces right', () => {
    expect(parseParams('Attachment; FileName="a b.xml"; size=3')).toEqual({
      type: 'attachment',
      params: { filename: 'a b.xml', size: '3' },
    });
    expect(parseParams("attachment; filename*0*=utf-8''r%C3%A9; filename*1=port.xml").params.filename).toBe(
      'réport.xml',
    );
    expect(decodeEncodedWords('=?UTF-8?B?UmVwb3J0IGRvbWFpbjo=?= x =?iso-8859-1?Q?M=FCller?=')).toBe(
      'Report domain:x Müller',
    );
    expect(dec(decodeQuotedPrintable(enc('a=3Db=\r\nc=C3=A9')))).toBe('a=bcé');
    expect(dec(decodeBase64(enc('PGE+\r\nPC9h\r\nPg==')))).toBe('<a></a>');
    expect(sniffMail(enc('<feedback/>'))).toBeUndefined();
  });
});

describe('limits: a hostile file is refused with a clear message, never followed', () => {
  it('nesting depth', () => {
    let bytes = enc(XML);
    for (let i = 0; i < 7; i++) bytes = gzipSync(bytes);
    const items = run('deep.gz', bytes, { maxDepth: 5 });
    expect(failures(items)).toEqual([['deep.gz', 'limit-depth']]);
    expect(items[0]?.kind === 'failed' && items[0].issue.message).toBe(
      'Containers are nested more than 5 deep (gzip > gzip > gzip > gzip > gzip > gzip).',
    );
  });

  it('member count: the walk stops at the limit', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`r${i}.xml`] = enc(`<r${i}/>`);
    const items = run('many.zip', zipSync(files), { maxEntries: 10 });
    expect(entries(items)).toHaveLength(10);
    expect(failures(items)).toEqual([['many.zip', 'limit-entries']]);
  });

  it('bytes per member and bytes per file', () => {
    const text = enc(Array.from({ length: 20000 }, (_, i) => `<r n="${i * 7919}"/>`).join('\n'));
    expect(failures(run('big.gz', gzipSync(text), { maxEntryBytes: 100_000 }))).toEqual([
      ['big.gz', 'limit-entry-size'],
    ]);
    const zip = zipSync({ 'a.xml': text, 'b.xml': text, 'c.xml': text });
    const items = run('all.zip', zip, { maxTotalBytes: text.length * 2.5 });
    expect(entries(items)).toHaveLength(2);
    expect(failures(items)).toEqual([['all.zip', 'limit-total-size']]);
  });

  it('inflation ratio, per stream and for the whole file', () => {
    const items = run('zeros.gz', gzipSync(new Uint8Array(4 << 20)), { maxRatio: 100 });
    expect(failures(items)).toEqual([['zeros.gz', 'limit-ratio']]);
    expect(items[0]?.kind === 'failed' && items[0].issue.message).toMatch(
      /more than 100 times .*compression bomb/,
    );
  });

  it('a zip bomb (a 64 MiB member of zeros) is refused a few MiB in, with the default limits', () => {
    const zip = handZip([{ name: 'bomb.xml', data: deflatedZeros(64 << 20), size: 64 << 20 }]);
    const items = run('bomb.zip', zip);
    // A bomb condemns the whole file, not only its member.
    expect(failures(items)).toEqual([['bomb.zip', 'limit-ratio']]);
  });

  it('a gzip bomb made of many small members stops early with the default limits', () => {
    const member = gzipSync(new Uint8Array(8 << 20), { level: 1 });
    const bomb = cat(...new Array<Uint8Array>(64).fill(member));
    expect(failures(run('bomb.xml.gz', bomb))).toEqual([['bomb.xml.gz', 'limit-ratio']]);
  });

  it('a "42.zip": zips of zips of many bombs', () => {
    let layer = handZip([{ name: '0.xml', data: deflatedZeros(16 << 20), size: 16 << 20 }]);
    for (let d = 1; d <= 6; d++) {
      layer = handZip(
        Array.from({ length: 4 }, (_, i) => ({ name: `${d}-${i}.zip`, data: layer, method: 0 })),
      );
    }
    const items = run('42.zip', layer);
    expect(entries(items)).toEqual([]);
    expect(new Set(failures(items).map(([, code]) => code))).toEqual(new Set(['limit-depth']));
  });
});

describe('extractEntry', () => {
  it('finds one member again by its path', () => {
    const zip = zipSync({ 'a.xml': enc('<a/>'), 'b.xml.gz': gzipSync(enc('<b/>')) });
    expect(dec(extractEntry({ name: 'x.zip', bytes: zip }, 'x.zip > b.xml.gz')!)).toBe('<b/>');
    expect(extractEntry({ name: 'x.zip', bytes: zip }, 'x.zip > nope.xml')).toBeUndefined();
  });
});

describe('checksums and declared sizes', () => {
  it('rejects a zip member whose data does not match its CRC-32, and reads its neighbours', () => {
    const good = enc('<good/>');
    const zip = handZip([
      { name: 'flipped.xml', data: enc('<count>9</count>'), method: 0, crc: crc32(enc('<count>1</count>')) },
      { name: 'good.xml', data: good, method: 0 },
    ]);
    const items = run('c.zip', zip);
    expect(entries(items)).toEqual([['c.zip > good.xml', '<good/>']]);
    expect(failures(items)).toEqual([['c.zip > flipped.xml', 'archive-crc']]);
  });

  it('reads a member whose declared size lies but whose CRC matches, with a warning', () => {
    const text = enc('<a>' + 'x'.repeat(300) + '</a>');
    const zip = handZip([{ name: 'a.xml', data: deflateSync(text), size: 400, crc: crc32(text) }]);
    const items = run('s.zip', zip);
    expect(entries(items)).toEqual([['s.zip > a.xml', dec(text)]]);
    const entry = items.find((i) => i.kind === 'entry');
    expect(entry?.kind === 'entry' && entry.issues.map((i) => [i.code, i.severity])).toEqual([
      ['archive-size-mismatch', 'warning'],
    ]);
  });

  it('rejects a gzip whose trailer CRC-32 does not match, also with a line break after it', () => {
    const gz = gzipSync(enc(XML));
    gz[gz.length - 8]! ^= 0xff;
    expect(failures(run('bad.gz', gz))).toEqual([['bad.gz', 'archive-crc']]);
    expect(failures(run('bad2.gz', cat(gz, enc('\r\n'))))).toEqual([['bad2.gz', 'archive-crc']]);
  });
});

describe('the member cap counts what could be a report', () => {
  const reportMail = (n: number) =>
    `From: dmarc@example.net\nSubject: Report ${n}\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html\n\n<html><body><p>Report ${n}&nbsp;attached</body></html>\n--B\nContent-Type: text/plain\n\nA report.\n--B\nContent-Type: image/png; name=logo.png\n\nPNG\n--B\nContent-Type: text/xml; name="r${n}.xml"\n\n<r${n}/>\n--B--\n`;
  const mbox = (n: number) =>
    enc(
      Array.from(
        { length: n },
        (_, i) => `From MAILER-DAEMON Thu Jan  1 00:00:00 2025\n${reportMail(i + 1)}`,
      ).join('\n'),
    );

  it('bodies and images do not use it up: every report of the mbox is read', () => {
    const items = run('box.mbox', mbox(30), { maxEntries: 30 });
    expect(failures(items)).toEqual([]);
    const reports = items.filter((i) => i.kind === 'entry' && !i.part?.isNote);
    expect(reports).toHaveLength(30);
    const notes = items.filter((i) => i.kind === 'entry' && i.part?.isNote);
    expect(notes).toHaveLength(90);
  });

  it('past the cap, the message says exactly how many were not read', () => {
    const items = run('box.mbox', mbox(25), { maxEntries: 10 });
    expect(items.filter((i) => i.kind === 'entry' && !i.part?.isNote)).toHaveLength(10);
    const failed = items.filter((i) => i.kind === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.kind === 'failed' && failed[0].issue).toMatchObject({
      code: 'limit-entries',
      severity: 'error',
      file: 'box.mbox',
      message:
        'Only the first 10 members that could be reports were read (the limit for one input file); 15 more mails were not read.',
    });
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`r${i}.xml`] = enc(`<r${i}/>`);
    const zipItems = run('many.zip', zipSync(files), { maxEntries: 10 });
    expect(zipItems.at(-1)).toMatchObject({
      kind: 'failed',
      issue: { message: expect.stringMatching(/; 20 more members were not read\.$/) },
    });
  });

  it('refuses a plain document past the size of one member before anything decodes it', () => {
    const items = run('huge.xml', enc('<a>' + ' '.repeat(5000) + '</a>'), { maxEntryBytes: 4096 });
    expect(failures(items)).toEqual([['huge.xml', 'limit-entry-size']]);
    expect(items[0]?.kind === 'failed' && items[0].issue.message).toMatch(
      /^It is 5,007 bytes, more than 4,096 bytes, the limit for one document\.$/,
    );
  });

  it('a mail part without a blank line is all body, its bytes never turned into one header string', () => {
    const eml = mail(
      'From: a@b\nSubject: s\nContent-Type: multipart/mixed; boundary=B',
      `--B\nContent-Type: text/xml; name=r.xml\n\n<r/>\n--B\n${'X-Long: y\n'.repeat(30000)}--B--`,
    );
    const items = run('m.eml', eml);
    expect(entries(items).map(([p]) => p)).toEqual(['m.eml > r.xml', 'm.eml > part 2']);
  });
});
