import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The public DMARC corpus beside the repository (../shared/fixtures/dmarc/real, see its SOURCES.md). */
export const DMARC_CORPUS = resolve(import.meta.dirname, '../../../shared/fixtures/dmarc/real');
export const isDmarcCorpusPresent = existsSync(join(DMARC_CORPUS, 'SOURCES.md'));

/** Every file below `dir` in byte order of the names, folders walked, SOURCES.md left out. */
export function listCorpusFiles(dir = DMARC_CORPUS): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listCorpusFiles(path) : name === 'SOURCES.md' ? [] : [path];
    });
}
