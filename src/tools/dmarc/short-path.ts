/**
 * A path cut to `max` characters, keeping what tells files apart: the end (`…/2026-11/google.com!…xml.gz`), cut
 * after a `/` or ` > ` when one is near so that no name is left half; for a member of an archive or mail whose
 * own name is long, the name of the file it came from as well (`outlook.eml…member.xml.gz`).
 */
export function shortPath(path: string, max = 56): string {
  if (path.length <= max) return path;
  const chainAt = path.indexOf(' > ');
  const fileAt = path.lastIndexOf('/', chainAt < 0 ? path.length : chainAt) + 1;
  // The dropped file's name and the members inside it.
  const chain = path.slice(fileAt);
  if (chain.length + 2 > max && chainAt >= 0) {
    const name = path.slice(fileAt, chainAt);
    if (name.length < max / 2) return `${name}…${path.slice(path.length - (max - name.length - 1))}`;
  }
  const tail = path.slice(path.length - (max - 1));
  const cut = /\/| > /.exec(tail);
  const start = cut && cut.index < tail.length / 2 ? cut.index : -1;
  return `…${start >= 0 ? tail.slice(start) : tail}`;
}
