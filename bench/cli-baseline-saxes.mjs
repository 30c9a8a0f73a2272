// Baseline for the DMARC CLI: a bare saxes tokenize (open tag, text, close tag; no work) of every decompressed
// XML file in a folder, as a whole Node process. Prints the number of elements.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';

const dir = process.argv[2];
let elements = 0;
let rejected = 0;
const decoder = new TextDecoder();
for (const name of readdirSync(dir).sort()) {
  const parser = new SaxesParser();
  parser.on('opentag', () => elements++);
  parser.on('text', () => {});
  parser.on('closetag', () => {});
  try {
    parser.write(decoder.decode(readFileSync(join(dir, name)))).close();
  } catch {
    // A malformed report: the tokenizer stops there, as a reader would reject the file.
    rejected++;
  }
}
console.log(`${elements} elements, ${rejected} files not well-formed`);
