import { DEFAULT_MAX_DEPTH, skipLeadingSpace, type XmlHandler, type XmlReadOptions } from './sax.ts';

/*
 * A tokenizer for the plain XML that machine-written documents (DMARC aggregate reports) use: an XML 1.0
 * declaration, elements with ASCII names and attributes, text with the five predefined entities and character
 * references, CDATA and comments. It sends the handler the same events as `readXml` (saxes), in the same pieces:
 * text as one event per run between two pieces of markup, CDATA as its own event, line ends normalised to \n, tabs
 * and line ends in attribute values to spaces. Anything else, or anything not well-formed, it does not judge: it
 * gives up (returns false) and the caller reads the document again with saxes, whose verdict and error message
 * are the ones that count. Giving up may come after events were sent, so the caller starts over with a fresh
 * handler.
 */

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const EQ = 0x3d;
const CR = 0x0d;
const NL = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const BRACKET = 0x5d;

class GiveUp {}
const GIVE_UP = new GiveUp();

const DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

/** Most elements have no attribute: they share one empty object, where saxes makes a fresh one for each. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

const isSpace = (c: number) => c === SPACE || c === NL || c === TAB || c === CR;
/** ASCII name characters: 2 may start a name, 1 only continue one. Any other character in a name is saxes' to judge. */
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) NAME[c] = 2;
  else if (/[0-9.-]/.test(ch)) NAME[c] = 1;
}
/** Text characters with nothing to check: printable ASCII but < > &, and tab and \n. */
const PLAIN = new Uint8Array(128);
for (let c = 0x20; c < 128; c++) PLAIN[c] = c === LT || c === GT || c === AMP ? 0 : 1;
PLAIN[TAB] = PLAIN[NL] = 1;

const isNameStart = (c: number) => c < 128 && NAME[c] === 2;
const isNameChar = (c: number) => c < 128 && NAME[c] !== 0;

/*
 * Element names recur thousands of times in a folder of reports (`record`, `source_ip`): each is looked up in a
 * small table by a hash taken while its characters are checked anyway, and the strings made the first time (the
 * name and its local part) are handed out again. No slice and no search for a prefix per tag, and the handler's
 * Map lookups find the hash already computed on the string. A table, not a set: a collision replaces the entry, so
 * its size stays fixed whatever the input.
 */
const HASH_STEP = 0x01000193;
const NAME_SLOTS = 1024;
const nameTable = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
const localTable = new Array<string>(NAME_SLOTS).fill('');

/** Whether s[at, at + t.length) is t. */
function isAt(s: string, at: number, t: string): boolean {
  for (let j = 0; j < t.length; j++) if (s.charCodeAt(at + j) !== t.charCodeAt(j)) return false;
  return true;
}

/** The index after the surrogate pair or other code unit at `i` that XML 1.0 does not allow alone; throws otherwise. */
function checkWide(s: string, i: number, c: number): number {
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return i + 2;
    throw GIVE_UP;
  }
  if (c >= 0xe000 && c <= 0xfffd) return i + 1;
  throw GIVE_UP;
}

/** Every character of s[from, to) is one XML 1.0 allows. */
function checkChars(s: string, from: number, to: number): void {
  for (let i = from; i < to;) {
    const c = s.charCodeAt(i);
    if (c < SPACE) {
      if (c !== NL && c !== TAB && c !== CR) throw GIVE_UP;
      i++;
    } else if (c >= 0xd800) i = checkWide(s, i, c);
    else i++;
  }
}

const normaliseLineEnds = (s: string) => (s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s);

function predefined(ref: string): string {
  switch (ref) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  throw GIVE_UP;
}

/** The character an entity reference at `amp` stands for, and where it ends; or give up. */
function entityAt(s: string, amp: number): [string, number] {
  const semi = s.indexOf(';', amp + 1);
  if (semi === -1 || semi - amp > 12) throw GIVE_UP;
  const ref = s.slice(amp + 1, semi);
  if (ref.charCodeAt(0) !== 0x23) return [predefined(ref), semi + 1];
  let code: number;
  if (/^#x[0-9a-fA-F]+$/.test(ref)) code = parseInt(ref.slice(2), 16);
  else if (/^#[0-9]+$/.test(ref)) code = parseInt(ref.slice(1), 10);
  else throw GIVE_UP;
  const isChar =
    code === TAB ||
    code === NL ||
    code === CR ||
    (code >= SPACE && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!isChar) throw GIVE_UP;
  return [String.fromCodePoint(code), semi + 1];
}

/** A quoted attribute value s[from, to): tabs and line ends become spaces (\r\n one space), entities resolve. */
function attributeValue(s: string, from: number, to: number): string {
  let out = '';
  let start = from;
  for (let k = from; k < to;) {
    const c = s.charCodeAt(k);
    if (c < SPACE) {
      if (c !== NL && c !== TAB && c !== CR) throw GIVE_UP;
      out += s.slice(start, k) + ' ';
      k += c === CR && s.charCodeAt(k + 1) === NL ? 2 : 1;
      start = k;
    } else if (c === LT) {
      throw GIVE_UP;
    } else if (c === AMP) {
      const [v, next] = entityAt(s, k);
      out += s.slice(start, k) + v;
      start = k = next;
    } else if (c >= 0xd800) k = checkWide(s, k, c);
    else k++;
  }
  return start === from ? s.slice(from, to) : out + s.slice(start, to);
}

/** A line end and an indent of n spaces, as saxes reads "\r\n" and the spaces after it. */
const INDENTS = Array.from({ length: 64 }, (_, n) => '\n' + ' '.repeat(n));

/** A plain run s[from, to) that starts with \n: the kept string when it is a line end and an indent, as most are. */
function indentAt(s: string, from: number, to: number): string {
  if (to - from > INDENTS.length) return s.slice(from, to);
  for (let j = from + 1; j < to; j++) if (s.charCodeAt(j) !== SPACE) return s.slice(from, to);
  return INDENTS[to - from - 1]!;
}

/** A run of text s[from, to) that is not all plain from `k` on: line ends, references, `>`, other characters. */
function mixedText(s: string, from: number, k: number, to: number, inRoot: boolean): string {
  // Reports written on Windows put "\r\n" and an indent between all their elements: one string per indent.
  if (k === from && s.charCodeAt(k) === CR && s.charCodeAt(k + 1) === NL) {
    let j = k + 2;
    while (j < to && s.charCodeAt(j) === SPACE) j++;
    if (j === to && to - k - 2 < INDENTS.length) return INDENTS[to - k - 2]!;
  }
  let piece = '';
  let start = from;
  while (k < to) {
    const c = s.charCodeAt(k);
    if (inRoot && (c < 128 ? PLAIN[c] === 1 : c < 0xd800)) k++;
    else if (c < SPACE) {
      if (c === CR) {
        // \r\n and a lone \r both become \n, as saxes reads them.
        piece += s.slice(start, k) + '\n';
        k += s.charCodeAt(k + 1) === NL ? 2 : 1;
        start = k;
      } else if (c === NL || c === TAB) k++;
      else throw GIVE_UP;
    } else if (!inRoot && c !== SPACE) {
      throw GIVE_UP; // text outside the root
    } else if (c === AMP) {
      const [v, next] = entityAt(s, k);
      piece += s.slice(start, k) + v;
      start = k = next;
    } else if (c === GT) {
      if (s.charCodeAt(k - 1) === BRACKET && s.charCodeAt(k - 2) === BRACKET && k - 2 >= from) throw GIVE_UP;
      k++;
    } else if (c >= 0xd800) k = checkWide(s, k, c);
    else k++;
  }
  return start === from ? s.slice(from, to) : piece + s.slice(start, to);
}

/**
 * Reads `text` into `handler` when it is plain well-formed XML; returns false (having perhaps sent some events)
 * as soon as it meets anything it leaves to saxes.
 */
export function fastScanXml(text: string, handler: XmlHandler, opts: XmlReadOptions = {}): boolean {
  try {
    scan(text, handler, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
    return true;
  } catch (e) {
    if (e === GIVE_UP) return false;
    throw e;
  }
}

function scan(s: string, handler: XmlHandler, maxDepth: number): void {
  const end = s.length;
  let i = skipLeadingSpace(s).start;
  if (s.startsWith('<?', i)) {
    DECLARATION.lastIndex = i;
    if (!DECLARATION.test(s)) throw GIVE_UP;
    i = DECLARATION.lastIndex;
  }
  const names: string[] = [];
  const locals: string[] = [];
  let sawRoot = false;
  for (;;) {
    // A run of text up to the next markup: one event, as saxes sends it.
    let lt = end;
    if (names.length > 0) {
      // Most runs are plain: a line end and an indent between elements, or a value. One pass over them, which
      // stops at the `<` that ends the run (no search ahead for it); mixedText for the rest.
      let k = i;
      let c = s.charCodeAt(k);
      let isIndent = false;
      if (c === NL) {
        let j = k + 1;
        while (s.charCodeAt(j) === SPACE) j++;
        if (s.charCodeAt(j) === LT && j - k <= INDENTS.length) {
          handler.text(INDENTS[j - k - 1]!);
          lt = j;
          isIndent = true;
        }
      }
      if (!isIndent) {
        while (c < 128 ? PLAIN[c] === 1 : c < 0xd800) c = s.charCodeAt(++k);
        if (c === LT) lt = k;
        else {
          lt = s.indexOf('<', k);
          if (lt === -1) lt = end;
        }
        if (lt > i) {
          if (k < lt) handler.text(mixedText(s, i, k, lt, true));
          else handler.text(s.charCodeAt(i) === NL ? indentAt(s, i, lt) : s.slice(i, lt));
        }
      }
    } else {
      lt = s.indexOf('<', i);
      if (lt === -1) lt = end;
      if (lt > i) handler.text(mixedText(s, i, i, lt, false));
    }
    if (lt === end) break;
    const c = s.charCodeAt(lt + 1);
    if (isNameStart(c)) {
      // Start tag.
      if (sawRoot && names.length === 0) throw GIVE_UP; // a second root
      let k = lt + 1;
      let h = 0;
      for (let d = c; isNameChar(d); d = s.charCodeAt(++k)) h = Math.imul(h ^ d, HASH_STEP);
      const slot = (h ^ (h >>> 15)) & (NAME_SLOTS - 1);
      let name = nameTable[slot];
      let local: string;
      if (name !== undefined && name.length === k - lt - 1 && isAt(s, lt + 1, name))
        local = localTable[slot]!;
      else {
        name = s.slice(lt + 1, k);
        const colon = name.indexOf(':');
        local = colon === -1 ? name : name.slice(colon + 1);
        nameTable[slot] = name;
        localTable[slot] = local;
      }
      let attributes = NO_ATTRIBUTES;
      let selfClosing = false;
      for (;;) {
        let d = s.charCodeAt(k);
        const spaced = isSpace(d);
        while (isSpace(d)) d = s.charCodeAt(++k);
        if (d === GT) {
          k++;
          break;
        }
        if (d === SLASH) {
          if (s.charCodeAt(k + 1) !== GT) throw GIVE_UP;
          k += 2;
          selfClosing = true;
          break;
        }
        if (!spaced || !isNameStart(d)) throw GIVE_UP;
        const a = k;
        while (k < end && isNameChar(s.charCodeAt(k))) k++;
        const attr = s.slice(a, k);
        while (isSpace(s.charCodeAt(k))) k++;
        if (s.charCodeAt(k) !== EQ) throw GIVE_UP;
        k++;
        while (isSpace(s.charCodeAt(k))) k++;
        const q = s.charCodeAt(k);
        if (q !== 0x22 && q !== 0x27) throw GIVE_UP;
        k++;
        const close = s.indexOf(q === 0x22 ? '"' : "'", k);
        if (close === -1) throw GIVE_UP;
        if (attributes === NO_ATTRIBUTES) attributes = Object.create(null) as Record<string, string>;
        else if (attributes[attr] !== undefined) throw GIVE_UP; // a duplicate
        attributes[attr] = attributeValue(s, k, close);
        k = close + 1;
      }
      if (names.length >= maxDepth) throw GIVE_UP;
      handler.open(local, attributes);
      sawRoot = true;
      if (selfClosing) handler.close(local);
      else {
        names.push(name);
        locals.push(local);
      }
      i = k;
    } else if (c === SLASH) {
      // End tag: must close the innermost open element.
      const name = names.pop();
      if (name === undefined || !isAt(s, lt + 2, name)) throw GIVE_UP;
      let k = lt + 2 + name.length;
      if (isNameChar(s.charCodeAt(k))) throw GIVE_UP;
      while (isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== GT) throw GIVE_UP;
      handler.close(locals.pop()!);
      i = k + 1;
    } else if (c === BANG && s.startsWith('--', lt + 2)) {
      const dashes = s.indexOf('--', lt + 4);
      if (dashes === -1 || s.charCodeAt(dashes + 2) !== GT) throw GIVE_UP;
      checkChars(s, lt + 4, dashes);
      i = dashes + 3;
    } else if (c === BANG && s.startsWith('[CDATA[', lt + 2)) {
      if (names.length === 0) throw GIVE_UP;
      const close = s.indexOf(']]>', lt + 9);
      if (close === -1) throw GIVE_UP;
      checkChars(s, lt + 9, close);
      handler.text(normaliseLineEnds(s.slice(lt + 9, close)));
      i = close + 3;
    } else {
      // DOCTYPE, processing instructions, a stray `<`: saxes' to judge.
      throw GIVE_UP;
    }
  }
  if (!sawRoot || names.length > 0) throw GIVE_UP;
}
