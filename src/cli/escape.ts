/**
 * The one escaper for text meant for a terminal. Input comes from files anyone can forge (a DMARC report, a zip
 * member name, a UPN): an escape sequence printed raw can clear the screen, move the cursor or print a fake
 * "all good". Every control character (C0, DEL, C1), the bidirectional overrides and the line/paragraph
 * separators become visible `\xNN` / `\u{NNNN}`. JSON and CSV output are never escaped: they stay exact.
 */

// C0 except tab and newline, DEL, C1, ALM, LRM/RLM, LS/PS, bidi embeddings/overrides/isolates, BOM.
const UNSAFE_TEXT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
// The same plus tab, newline and carriage return: for a single value inside a line.
const UNSAFE_VALUE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
}

/** A whole text (several lines of output): keeps the layout's tabs and newlines, escapes everything else. */
export function escapeText(s: string): string {
  UNSAFE_TEXT.lastIndex = 0;
  return UNSAFE_TEXT.test(s) ? s.replace(UNSAFE_TEXT, visible) : s;
}

/** One value from input shown inside a line of text: newlines and tabs are escaped too. */
export function esc(s: string): string {
  UNSAFE_VALUE.lastIndex = 0;
  return UNSAFE_VALUE.test(s) ? s.replace(UNSAFE_VALUE, visible) : s;
}
