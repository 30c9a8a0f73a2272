// Baseline for the Sync check CLI: a bare Papa Parse `header: true` of the same files, as a whole Node process.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';

let rows = 0;
for (const path of process.argv.slice(2)) {
  const text = new TextDecoder().decode(readFileSync(path));
  rows += Papa.parse(text, { header: true, skipEmptyLines: true }).data.length;
}
console.log(rows);
