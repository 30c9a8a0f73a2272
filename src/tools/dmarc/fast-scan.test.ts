// Beside the DMARC tool, not in lib/xml: it reads the scanner against the tool's generated and hostile reports.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gunzipSync, unzipSync } from 'fflate';
import { generateReports } from './generate.ts';
import { reportXml } from './hostile-inputs.ts';
import { fastScanXml } from '../../lib/xml/fast-scan.ts';
import { readXml, type XmlHandler } from '../../lib/xml/sax.ts';

/** Every event exactly as sent: the pieces text arrives in matter (the report builder caps a field by them). */
function recorder(): { log: unknown[]; handler: XmlHandler } {
  const log: unknown[] = [];
  return {
    log,
    handler: {
      open: (name, attrs) => log.push(['open', name, { ...attrs }, Object.getPrototypeOf(attrs)]),
      text: (t) => log.push(['text', t]),
      close: (name) => log.push(['close', name]),
    },
  };
}

const viaSaxes = (text: string, maxDepth?: number) => {
  const r = recorder();
  const error = readXml(text, r.handler, { maxDepth });
  return { error, log: r.log };
};
const viaScanner = (text: string, maxDepth?: number) => {
  const r = recorder();
  const isRead = fastScanXml(text, r.handler, { maxDepth });
  return { isRead, log: r.log };
};

/** The scanner's contract: when it reads a document, saxes reads it too, without error, into the same events. */
function agrees(text: string, maxDepth?: number): boolean {
  const fast = viaScanner(text, maxDepth);
  if (!fast.isRead) return false;
  const slow = viaSaxes(text, maxDepth);
  expect(slow.error).toBeUndefined();
  expect(fast.log).toEqual(slow.log);
  return true;
}

const dec = new TextDecoder();
const generated = generateReports({ reports: 40, seed: 7 }).files.flatMap((f) => {
  if (f.name.endsWith('.zip')) return Object.values(unzipSync(f.bytes)).map((b) => dec.decode(b));
  if (f.name.endsWith('.gz')) return [dec.decode(gunzipSync(f.bytes))];
  return [dec.decode(f.bytes)];
});

describe('fastScanXml', () => {
  it('reads generated reports of every reporter shape as saxes does', () => {
    expect(generated.length).toBeGreaterThan(30);
    for (const text of generated) expect(agrees(text)).toBe(true);
  });

  it('reads the subset real reports use as saxes does', () => {
    const doc = [
      '\ufeff \n<?xml version=\'1.0\' encoding="ISO-8859-1" standalone="yes" ?>\r\n<!-- made by hand -->\n',
      '<dmarc:feedback xmlns:dmarc="urn:x" xmlns="urn:ietf:params:xml:ns:dmarc-2.0" a = "1\t2\r\n3&amp;&#65;&#x42;">',
      '<org_name>A &lt;b&gt; &quot;c&quot; &apos;d&apos; &#x1F600; \u{1F600}\r\ne\rf</org_name>',
      '<x/><y a="]]>" />',
      '<comment><![CDATA[raw <b> & \r\n]]]]><![CDATA[>]]></comment><![CDATA[]]>',
      '<t>]] ></t><t>]]&gt;</t><t>a<!-- c - d -->b</t>',
      '</dmarc:feedback  >\r\n<!-- after --> \n',
    ].join('');
    expect(agrees(doc)).toBe(true);
    // Runs between elements: an indent, an indent then a value, an indent too long to keep, a tab after a line end.
    expect(agrees(`<a>\n  <b>\n   v</b>\n${' '.repeat(80)}<c/>\n \t<d/>\n\n<e/>\n   &amp;<f/>\n</a>`)).toBe(
      true,
    );
    expect(agrees('<a/>')).toBe(true);
    expect(agrees('<a></a>\n')).toBe(true);
  });

  it('gives up, for saxes to judge, on everything outside the subset or not well-formed', () => {
    const ok = reportXml();
    const cases: Record<string, string> = {
      doctype: '<?xml version="1.0"?><!DOCTYPE feedback><feedback/>',
      'processing instruction': '<?xml-stylesheet href="a"?><feedback/>',
      'PI inside': '<feedback><?pi x?></feedback>',
      'XML 1.1': '<?xml version="1.1"?><feedback/>',
      'declaration not first': '<!-- c --><?xml version="1.0"?><feedback/>',
      'bad declaration': '<?xml encoding="UTF-8"?><feedback/>',
      'mismatched tag': '<feedback><a></b></feedback>',
      'unclosed tag': '<feedback><a></feedback>',
      'extra close': '<feedback></feedback></feedback>',
      '< in an attribute': '<feedback a="<"/>',
      'unquoted attribute': '<feedback a=1/>',
      'attribute without value': '<feedback a/>',
      'no space between attributes': '<feedback a="1"b="2"/>',
      'duplicate attribute': '<feedback a="1" a="2"/>',
      'unknown entity': '<feedback>&nbsp;</feedback>',
      'bad character reference': '<feedback>&#0;</feedback>',
      'upper-case X reference': '<feedback>&#X41;</feedback>',
      'entity without ;': '<feedback>&amp</feedback>',
      'control character': '<feedback>\u0001</feedback>',
      'lone surrogate': '<feedback>\ud800<a/></feedback>',
      'not a character': '<feedback>\uffff</feedback>',
      ']]> in text': '<feedback>]]></feedback>',
      'bad comment': '<feedback><!-- a -- b --></feedback>',
      'unclosed comment': '<feedback><!-- a </feedback>',
      'CDATA outside the root': '<![CDATA[x]]><feedback/>',
      'unclosed CDATA': '<feedback><![CDATA[x</feedback>',
      'text after the root': '<feedback/>x',
      'text before the root': 'x<feedback/>',
      'second root': '<feedback/><feedback/>',
      'no root': '<?xml version="1.0"?>\n',
      'empty document': '',
      'unexpected end': ok.slice(0, ok.length / 2),
      'stray <': '<feedback>< a</feedback>',
      'non-ASCII name': '<feedback><é/></feedback>',
      'bad slash': '<feedback/ >',
    };
    for (const [what, text] of Object.entries(cases)) {
      expect(viaScanner(text).isRead, what).toBe(false);
    }
    // Some of these are well-formed; the scanner leaves them to saxes all the same.
    expect(viaSaxes(cases['processing instruction']!).error).toBeUndefined();
    expect(viaSaxes(cases['non-ASCII name']!).error).toBeUndefined();
  });

  it('reads Windows line ends and many distinct names (more than its table holds) as saxes does', () => {
    const indent = (n: number) => '\r\n' + ' '.repeat(n);
    const names = Array.from({ length: 3000 }, (_, i) => `n${i.toString(36)}`);
    const doc =
      '<?xml version="1.0"?>\r\n<r:feedback xmlns:r="urn:x">' +
      names.map((n, i) => `${indent(i % 70)}<${n}>${indent(2)}<r:${n}>v</r:${n}>\r\n\t</${n}>`).join('') +
      `${indent(0)}</r:feedback>\r\n`;
    expect(agrees(doc)).toBe(true);
    // Twice: the second time every name comes from the table where it was kept.
    expect(agrees(doc)).toBe(true);
  });

  it('gives up past the depth cap, where saxes refuses', () => {
    const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(agrees(nest(4), 4)).toBe(true);
    expect(viaScanner(nest(5), 4).isRead).toBe(false);
    expect(viaSaxes(nest(5), 4).error?.message).toMatch(/nested more than 4/);
    expect(viaScanner('<a>'.repeat(65) + '</a>'.repeat(65)).isRead).toBe(false);
  });

  it('never reads a document saxes refuses, and reads the rest alike (random edits of reports)', () => {
    const pieces = [
      '<',
      '>',
      '/',
      '&',
      ';',
      '"',
      "'",
      '=',
      ' ',
      '\r',
      '\n',
      '\t',
      ']',
      '!',
      '-',
      '?',
      '#',
      'x',
      ':',
      '&amp;',
      '&#38;',
      '&#x26;',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '<a>',
      '</a>',
      '<b/>',
      ' c="d"',
      '\u0000',
      '\ud83d',
      '\ude00',
      '\u{1F600}',
      '\ufffe',
      'é',
    ];
    // Fragments that keep a document well-formed where they land in text, so both paths get exercised.
    const whole = ['&amp;', '&#x1F600;', '<b/>', '<!-- c -->', '<![CDATA[<x>]]>', '\r\n', '\r', '\t', 'é'];
    const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
    const edit = fc.oneof(
      fc.record({
        at,
        drop: fc.nat(4),
        insert: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((a) => a.join('')),
      }),
      fc.record({ at, drop: fc.constant(0), insert: fc.constantFrom(...whole) }),
    );
    let read = 0;
    let given = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...generated.slice(0, 10), reportXml(), reportXml({ extra: '<!-- x --><x a="1"/>' })),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (text, edits) => {
          for (const e of edits) {
            const at = Math.floor(e.at * text.length);
            text = text.slice(0, at) + e.insert + text.slice(at + e.drop);
          }
          if (agrees(text)) read++;
          else given++;
        },
      ),
      { numRuns: 3000, seed: 20261203 },
    );
    // Both sides were exercised.
    expect(read).toBeGreaterThan(200);
    expect(given).toBeGreaterThan(300);
  });
});
