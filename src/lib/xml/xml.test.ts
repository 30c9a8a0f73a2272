import { describe, expect, it } from 'vitest';
import { decodeXml } from './decode.ts';
import { readXml, type XmlHandler } from './sax.ts';
import { decodeEntities, parseXmlTree, walkXmlTree } from './tree.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function events(): { log: string[]; handler: XmlHandler } {
  const log: string[] = [];
  return {
    log,
    handler: {
      open: (name, attrs) =>
        log.push(`<${name}${Object.keys(attrs).length ? ' ' + JSON.stringify(attrs) : ''}>`),
      text: (t) => {
        if (t.trim()) log.push(t.trim());
      },
      close: (name) => log.push(`</${name}>`),
    },
  };
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feedback><org_name>&lol3;</org_name></feedback>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feedback><org_name>&xxe;</org_name></feedback>`;

describe('decodeXml', () => {
  it('strips a UTF-8 BOM', () => {
    const r = decodeXml(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('<a>é</a>')]));
    expect(r.text).toBe('<a>é</a>');
    expect(r.encoding).toBe('utf-8');
    expect(r.issues).toEqual([]);
  });

  it('reads UTF-16LE with and without BOM, and UTF-16BE with BOM', () => {
    const le = (s: string) => new Uint8Array(new Uint16Array([...s].map((c) => c.charCodeAt(0))).buffer);
    expect(decodeXml(new Uint8Array([0xff, 0xfe, ...le('<?xml version="1.0"?><a>ü</a>')])).text).toBe(
      '<?xml version="1.0"?><a>ü</a>',
    );
    expect(decodeXml(le('<?xml version="1.0"?><a/>')).encoding).toBe('utf-16le');
    expect(decodeXml(new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e])).text).toBe(
      '<a/>',
    );
  });

  it('honours a declared windows-1252 / ISO-8859-1', () => {
    const bytes = new Uint8Array([
      ...enc('<?xml version="1.0" encoding="windows-1252"?><o>M'),
      0xfc,
      ...enc('ller & Co</o>'),
    ]);
    const r = decodeXml(bytes);
    expect(r.text).toContain('Müller');
    expect(r.encoding).toBe('windows-1252');
    expect(r.issues).toEqual([]);
    expect(
      decodeXml(
        new Uint8Array([...enc("<?xml version='1.0' encoding='ISO-8859-1'?><o>"), 0xe9, ...enc('</o>')]),
      ).text,
    ).toContain('é');
  });

  it('falls back to windows-1252 with a warning when "UTF-8" bytes are not UTF-8', () => {
    const r = decodeXml(
      new Uint8Array([...enc('<?xml version="1.0" encoding="UTF-8"?><h>bad_byte'), 0x91, ...enc('</h>')]),
      'a.xml',
    );
    expect(r.text).toContain('bad_byte\u2018');
    expect(r.issues).toMatchObject([{ code: 'xml-encoding-fallback', severity: 'warning', file: 'a.xml' }]);
  });

  it('warns about an encoding label nobody knows and reads UTF-8', () => {
    const r = decodeXml(enc('<?xml version="1.0" encoding="x-klingon"?><a>x</a>'));
    expect(r.issues[0]?.code).toBe('xml-unknown-encoding');
    expect(r.text).toContain('<a>x</a>');
  });
});

describe('readXml (saxes, hardened)', () => {
  it('reports local names, attributes, text and self-closing elements', () => {
    const { log, handler } = events();
    const err = readXml(
      '<ns1:feedback xmlns:ns1="urn:x"><ns1:a k="v">1 &amp; 2</ns1:a><b/><![CDATA[<raw>]]></ns1:feedback>',
      handler,
    );
    expect(err).toBeUndefined();
    expect(log).toEqual([
      '<feedback {"xmlns:ns1":"urn:x"}>',
      '<a {"k":"v"}>',
      '1 & 2',
      '</a>',
      '<b>',
      '</b>',
      '<raw>',
      '</feedback>',
    ]);
  });

  it('tolerates whitespace before the declaration and keeps line numbers true', () => {
    const { handler } = events();
    expect(readXml('\n\n  <?xml version="1.0"?><a></a>', handler)).toBeUndefined();
    const err = readXml('\n\n<?xml version="1.0"?>\n<a>\n<b></a>', handler);
    expect(err).toMatchObject({ line: 5 });
    expect(err?.message).toMatch(/unexpected close tag/);
  });

  it('refuses a DOCTYPE: billion laughs and external entities never expand', () => {
    const { log, handler } = events();
    const a = readXml(BILLION_LAUGHS, handler);
    expect(a?.message).toMatch(/DOCTYPE/);
    expect(a?.line).toBe(2);
    expect(log).toEqual([]);
    expect(readXml(XXE, handler)?.message).toMatch(/DOCTYPE/);
  });

  it('rejects an undeclared entity instead of passing it through', () => {
    const { handler } = events();
    expect(readXml('<a>&nbsp;</a>', handler)?.message).toMatch(/undefined entity/);
  });

  it('caps the nesting depth', () => {
    const { handler } = events();
    const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
    expect(readXml(deep, handler, { maxDepth: 64 })?.message).toBe('Elements are nested more than 64 deep.');
    expect(readXml(deep, handler, { maxDepth: 100 })).toBeUndefined();
  });

  it('gives line and column of the first error', () => {
    const { handler } = events();
    expect(readXml('<a>\n  <b>x</c>\n</a>', handler)).toEqual({
      message: 'unexpected close tag.',
      line: 2,
      column: 10,
    });
    expect(readXml('<a>', handler)?.message).toMatch(/unclosed tag: a/);
  });
});

describe('fast-xml-parser, hardened', () => {
  it('decodes the five predefined entities and character references, nothing else', () => {
    expect(decodeEntities('a &lt;b&gt; &amp;amp; &#233; &#xE9; &quot;&apos; &nbsp;')).toBe(
      `a <b> &amp; é é "' &nbsp;`,
    );
  });

  it('parses to a tree with forced arrays, namespaces removed, values as strings', () => {
    const r = parseXmlTree(
      '<x:feedback xmlns:x="urn:y"><record><count>007</count></record><org>A &amp; B</org></x:feedback>',
      {
        arrays: ['record'],
      },
    );
    expect(r).toEqual({ ok: true, value: { feedback: { record: [{ count: '007' }], org: 'A & B' } } });
  });

  it('refuses a DOCTYPE with its position, even after comments', () => {
    const r = parseXmlTree(
      '<?xml version="1.0"?>\n<!-- c -->\n' + BILLION_LAUGHS.split('\n').slice(1).join('\n'),
    );
    expect(r).toMatchObject({ ok: false, error: { line: 3, column: 1 } });
    if (!r.ok) expect(r.error.message).toMatch(/DOCTYPE/);
  });

  it('reports malformed XML with line and column instead of half-reading it', () => {
    const r = parseXmlTree('<a>\n<b></c>\n</a>');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(2);
  });

  it('walkXmlTree gives the same events as readXml', () => {
    const xml =
      '<?xml version="1.0"?>\n<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><a>1 &lt; 2</a><b><c>x</c></b><d/></feedback>';
    const one = events();
    const two = events();
    expect(readXml(xml, one.handler)).toBeUndefined();
    expect(walkXmlTree(xml, two.handler)).toBeUndefined();
    expect(two.log).toEqual(one.log);
    expect(walkXmlTree(BILLION_LAUGHS, two.handler)?.message).toMatch(/DOCTYPE/);
  });
});
