import { Gunzip, Inflate, inflateSync } from 'fflate';
import { throwIfAborted, type Issue, type NamedBytes } from '../issue.ts';
import { parseMail, sniffMail, splitMbox, type ParsedMail } from './mime.ts';

/**
 * Opens what arrives by mail: zip (every member), gzip (multi-member, trailing garbage, gzip in gzip), saved mails
 * and mbox files (every part), recursively, recognising each layer by its bytes, never by name or MIME type.
 * Everything hostile is bounded: nesting, member count, bytes per member, bytes per input file, and the inflation
 * ratio. Inflation is fflate's, fed in small chunks so that a bomb is stopped a few MB past a limit, not after it
 * has filled memory. Zip central directories are read here rather than with `unzipSync`, which allocates each
 * member's declared size up front (4 GB for a lying header) and drops a whole archive for one bad member.
 */

export interface UnpackLimits {
  /** Containers inside containers: a mail holding a zip holding a gzip is depth 3. */
  maxDepth: number;
  /** Members that could be reports (files, mail attachments; not text bodies or images) read from one input file. */
  maxEntries: number;
  /** Bytes of one unpacked member. */
  maxEntryBytes: number;
  /** Bytes produced from one input file, all layers counted. */
  maxTotalBytes: number;
  /** Bytes produced per compressed byte, per stream and for the whole input file (checked past 1 MiB). */
  maxRatio: number;
}

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxDepth: 5,
  maxEntries: 10_000,
  maxEntryBytes: 256 * 2 ** 20,
  maxTotalBytes: 1024 * 2 ** 20,
  maxRatio: 1000,
};

export type UnpackCode =
  | 'archive-corrupt'
  | 'archive-crc'
  | 'archive-size-mismatch'
  | 'archive-empty'
  | 'archive-encrypted'
  | 'archive-method'
  | 'gzip-trailing-data'
  | 'limit-depth'
  | 'limit-entries'
  | 'limit-entry-size'
  | 'limit-total-size'
  | 'limit-ratio';

export type ContainerKind = 'zip' | 'gzip' | 'mail' | 'mbox';

/** What a mail said about itself, for callers that sort mails (a failure report, a TLS report…). */
export interface MailInfo {
  path: string;
  subject: string;
  contentType: string;
  params: Record<string, string>;
  /** Every part's content type. */
  types: string[];
  /** Lower-cased header names present at the top level. */
  headerNames: string[];
  /** The top-level header lines (lower-cased name, unfolded value), e.g. for a failure report's original message. */
  headers: [string, string][];
}

export interface MailPart {
  contentType: string;
  filename?: string;
  /** A text part without a file name: the human-readable note beside an attachment. */
  isBody: boolean;
  /**
   * Not a data file: a text or HTML body, an image, a signature, a delivery status. Such parts are still given
   * to the caller (a body may hold a report inline) but do not count against `maxEntries`.
   */
  isNote: boolean;
}

export type UnpackItem =
  /** A member that is not itself a container (or a container that could not be opened was reported instead). */
  | {
      kind: 'entry';
      path: string;
      bytes: Uint8Array;
      containers: ContainerKind[];
      /** Paths of the mails around it, outermost first. */
      mails: string[];
      part?: MailPart;
      /** Warnings from the containers on the way (trailing data…). */
      issues: Issue<UnpackCode>[];
    }
  /** A container or member that could not be opened or was refused by a limit. */
  | { kind: 'failed'; path: string; mails: string[]; issue: Issue<UnpackCode> }
  /** Before a mail's parts… */
  | { kind: 'mail'; info: MailInfo; mails: string[] }
  /** …and after them. */
  | { kind: 'mail-end'; path: string };

export function detectContainer(bytes: Uint8Array): ContainerKind | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0x50 && b === 0x4b && ((c === 3 && d === 4) || (c === 5 && d === 6) || (c === 7 && d === 8)))
    return 'zip';
  if (a === 0x1f && b === 0x8b) return 'gzip';
  if (a === 0x3c || a === 0x7b || a === 0x5b || a === undefined) return undefined; // <, {, [ : documents
  return sniffMail(bytes);
}

class Refused extends Error {
  constructor(
    readonly code: UnpackCode,
    message: string,
  ) {
    super(message);
  }
}

const MiB = (n: number) =>
  n < 2 ** 20
    ? `${n.toLocaleString('en-US')} bytes`
    : `${(n / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;

interface Budget {
  limits: UnpackLimits;
  inputSize: number;
  produced: number;
  entries: number;
  /** Past `maxEntries`: members and mails not opened, counted for the message. */
  droppedMembers: number;
  droppedMails: number;
  signal?: AbortSignal;
}

function charge(budget: Budget, bytes: number, entryBytes: number): void {
  const { limits } = budget;
  budget.produced += bytes;
  if (entryBytes > limits.maxEntryBytes) {
    throw new Refused(
      'limit-entry-size',
      `A member inflates to more than ${MiB(limits.maxEntryBytes)}, the limit for one file.`,
    );
  }
  if (budget.produced > limits.maxTotalBytes) {
    throw new Refused(
      'limit-total-size',
      `The file inflates to more than ${MiB(limits.maxTotalBytes)} in all, the limit for one input file.`,
    );
  }
  if (budget.produced > 2 ** 20 && budget.produced > limits.maxRatio * Math.max(budget.inputSize, 1)) {
    throw new Refused(
      'limit-ratio',
      `The file inflates more than ${limits.maxRatio.toLocaleString('en-US')} times its size (${MiB(budget.produced)} from ${budget.inputSize.toLocaleString('en-US')} bytes): a compression bomb.`,
    );
  }
}

const CHUNK = 16 * 1024;

/** Feeds `input` in chunks so that limits are checked every ≤ 16 KiB of input (≤ ~16 MiB of output). */
function inflateWith(
  make: (ondata: (chunk: Uint8Array) => void) => { push(chunk: Uint8Array, final?: boolean): void },
  input: Uint8Array,
  budget: Budget,
  expected?: number,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let pushed = 0;
  const { maxRatio } = budget.limits;
  const stream = make((chunk) => {
    if (!chunk.length) return;
    size += chunk.length;
    if (expected !== undefined && size > expected) {
      throw new Refused(
        'archive-corrupt',
        `The member inflates to more than the ${expected.toLocaleString('en-US')} bytes its header declares.`,
      );
    }
    // This stream's own ratio stops a bomb at once, before the whole file's ratio could show it.
    if (size > 2 ** 20 && size > maxRatio * pushed) {
      throw new Refused(
        'limit-ratio',
        `Compressed data inflates more than ${maxRatio.toLocaleString('en-US')} times (${MiB(size)} from ${pushed.toLocaleString('en-US')} bytes so far): a compression bomb.`,
      );
    }
    charge(budget, chunk.length, size);
    chunks.push(chunk);
  });
  for (let at = 0; at < input.length || at === 0; at += CHUNK) {
    if (budget.signal) throwIfAborted(budget.signal);
    const end = Math.min(at + CHUNK, input.length);
    pushed = end;
    stream.push(input.subarray(at, end), end >= input.length);
    if (end >= input.length) break;
  }
  return concat(chunks, size);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const fflateCode = (e: unknown): number | undefined =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'number' ? e.code : undefined;

/**
 * Small inputs whose output size is known up front are inflated in one call into a buffer of exactly that size:
 * fflate's streaming classes start every stream with ~200 KB of zeroed buffers, which dominates thousands of small
 * reports. The work stays bounded (≤ 64 KiB in, so at most ~66 MB of inflation), the declared size is checked
 * against the limits before anything is allocated, and one byte of slack shows a header that under-declares.
 */
const ONE_SHOT_MAX_INPUT = 64 * 1024;
const ONE_SHOT_MAX_OUTPUT = 4 * 2 ** 20;

function inflateKnownSize(data: Uint8Array, size: number, budget: Budget): Uint8Array | undefined {
  if (data.length > ONE_SHOT_MAX_INPUT) return undefined;
  const { limits } = budget;
  if (size > limits.maxEntryBytes || budget.produced + size > limits.maxTotalBytes) return undefined;
  if (size > 2 ** 20 && size > limits.maxRatio * data.length) return undefined;
  // A header may lie: never allocate more up front than a small report needs; larger ones stream.
  if (size > ONE_SHOT_MAX_OUTPUT) return undefined;
  const out = inflateOneShot(data, size);
  if (out.length > size) return undefined;
  charge(budget, out.length, out.length);
  return out;
}

function inflateOneShot(data: Uint8Array, size: number): Uint8Array {
  if (native) {
    try {
      const out = native.inflateRaw(data, size + 1);
      if (out.length <= size) return out;
    } catch {
      // fflate, below, gives the verdict.
    }
  }
  return inflateSync(data, { out: new Uint8Array(size + 1) });
}

/** The gzip header's length (RFC 1952 §2.3): fixed part, then optional extra field, name, comment and header CRC. */
function gzipHeaderLength(d: Uint8Array): number {
  const flags = d[3]!;
  let at = 10;
  if (flags & 4) at += 2 + (d[10]! | (d[11]! << 8));
  if (flags & 8) at = d.indexOf(0, at) + 1;
  if (flags & 16) at = d.indexOf(0, at) + 1;
  if (flags & 2) at += 2;
  return at;
}

function hasSecondMember(d: Uint8Array, from: number): boolean {
  for (let i = d.indexOf(0x1f, from); i !== -1 && i < d.length - 8; i = d.indexOf(0x1f, i + 1)) {
    if (d[i + 1] === 0x8b && d[i + 2] === 8) return true;
  }
  return false;
}

/**
 * A single-member gzip's trailer: CRC-32 and size (mod 2^32) of what it holds. The trailer is looked for just
 * before the end, since some mailers leave a line break after the stream (Mimecast); where no trailer with the
 * right size is found, there is nothing to check against.
 */
function checkGzipCrc(input: Uint8Array, data: Uint8Array): Uint8Array {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const size = data.length % 2 ** 32;
  for (let at = input.length - 8; at >= Math.max(10, input.length - 8 - 64); at--) {
    if (view.getUint32(at + 4, true) !== size) continue;
    const crc = view.getUint32(at, true);
    if (crc32(data) !== crc) {
      throw new Refused(
        'archive-crc',
        `The gzip data does not match its CRC-32 checksum (${hex(crc32(data))}, the trailer says ${hex(crc)}): it is damaged.`,
      );
    }
    return data;
  }
  return data;
}

/** All members of a (possibly multi-member) gzip file; trailing bytes that are not a gzip member are ignored. */
function gunzip(input: Uint8Array, budget: Budget): { data: Uint8Array; hasTrailingData: boolean } {
  if (input.length < 18 || input[2] !== 8) {
    throw new Refused(
      'archive-corrupt',
      'The gzip data is truncated or uses a compression method other than deflate.',
    );
  }
  // One member (no other gzip signature after the header) whose trailer states its size: the one-shot path.
  const header = gzipHeaderLength(input);
  const n = input.length;
  const isize = (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16) | (input[n - 1]! << 24)) >>> 0;
  if (header > 0 && header < n - 8 && n <= ONE_SHOT_MAX_INPUT && !hasSecondMember(input, header)) {
    try {
      const out = inflateKnownSize(input.subarray(header, n - 8), isize, budget);
      if (out && out.length === isize) return { data: checkGzipCrc(input, out), hasTrailingData: false };
    } catch (e) {
      if (e instanceof Refused) throw e;
      // Damaged, or not what the trailer says: the streaming path below gives the precise verdict.
    }
  }
  let produced = 0;
  let isOne = true;
  const chunks: Uint8Array[] = [];
  try {
    const data = inflateWith(
      (ondata) => {
        const g = new Gunzip((chunk) => {
          produced += chunk.length;
          ondata(chunk);
          chunks.push(chunk);
        });
        // Called for each member after the first.
        g.onmember = () => (isOne = false);
        return g;
      },
      input,
      budget,
    );
    // Several members each carry their own trailer; one member is checked against its CRC-32 and size.
    return { data: isOne ? checkGzipCrc(input, data) : data, hasTrailingData: false };
  } catch (e) {
    // fflate's error 6 ("invalid gzip data") after the first member means the bytes after it are not another member.
    if (fflateCode(e) === 6 && produced > 0) return { data: concat(chunks, produced), hasTrailingData: true };
    if (e instanceof Refused || (e instanceof Error && e.name === 'AbortError')) throw e;
    throw new Refused(
      'archive-corrupt',
      `The gzip data is damaged or truncated (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
}

interface ZipMember {
  name: string;
  method: number;
  flags: number;
  /** CRC-32 of the uncompressed data, as the central directory states it. */
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** Slicing-by-8 tables: table k gives the CRC of a byte followed by k zero bytes, so 8 bytes are one step. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * Faster codecs a platform may lend (Node's zlib, in the CLI; the page keeps fflate). `inflateRaw` serves only the
 * one-shot path and only its success counts: damaged data or more than `maxOutput` bytes fall back to fflate, so
 * every verdict and message stays fflate's. `crc32` computes the same checksum as the one below.
 */
export interface NativeCodecs {
  /** Raw deflate into at most `maxOutput` bytes; throws when the data is damaged or longer. */
  inflateRaw: (data: Uint8Array, maxOutput: number) => Uint8Array;
  crc32: (bytes: Uint8Array, crc: number) => number;
}
let native: NativeCodecs | undefined;
export function useNativeCodecs(codecs: NativeCodecs | undefined): void {
  native = codecs;
}

/** CRC-32 (ISO 3309, as zip and gzip use it), eight bytes a step: every inflated report goes through it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (native) return native.crc32(bytes, crc);
  const t = CRC_TABLE;
  let c = ~crc;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The central directory, Zip64 included; an archive with data before it (a self-extractor) is shifted back. */
function readZipDirectory(bytes: Uint8Array): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new Refused(
      'archive-corrupt',
      'The zip archive is truncated: its central directory (the list of members at the end) is missing.',
    );
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdStart = eocd - cdSize;
  if (
    (count === 0xffff || cdOffset === 0xffffffff) &&
    eocd >= 20 &&
    view.getUint32(eocd - 20, true) === 0x07064b50
  ) {
    const z = Number(view.getBigUint64(eocd - 12, true));
    if (z + 56 <= bytes.length && view.getUint32(z, true) === 0x06064b50) {
      count = Number(view.getBigUint64(z + 32, true));
      cdSize = Number(view.getBigUint64(z + 40, true));
      cdOffset = Number(view.getBigUint64(z + 48, true));
      cdStart = z - cdSize;
    }
  }
  const shift = cdStart - cdOffset;
  const members: ZipMember[] = [];
  const names = new TextDecoder('utf-8');
  let at = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (at < 0 || at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      throw new Refused('archive-corrupt', 'The zip central directory is damaged.');
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    let offset = view.getUint32(at + 42, true);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // Zip64 extended information (0x0001) holds, in order, only the fields whose 32-bit value is saturated.
    for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1) {
        let p = e + 4;
        if (size === 0xffffffff && p + 8 <= e + 4 + len) {
          size = Number(view.getBigUint64(p, true));
          p += 8;
        }
        if (compressedSize === 0xffffffff && p + 8 <= e + 4 + len) {
          compressedSize = Number(view.getBigUint64(p, true));
          p += 8;
        }
        if (offset === 0xffffffff && p + 8 <= e + 4 + len) offset = Number(view.getBigUint64(p, true));
      }
      e += 4 + len;
    }
    members.push({ name, method, flags, crc, compressedSize, size, offset: offset + shift });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

/**
 * One member's bytes, checked against what the central directory says: a CRC-32 mismatch rejects the member (its
 * data is damaged, and a flipped digit would change a count silently); a size that differs while the CRC matches is
 * only a lying header, returned as a warning.
 */
function readZipMember(
  bytes: Uint8Array,
  m: ZipMember,
  budget: Budget,
  path: string,
): { data: Uint8Array; warning?: Issue<UnpackCode> } {
  const data = inflateZipMember(bytes, m, budget);
  if (crc32(data) !== m.crc) {
    throw new Refused(
      'archive-crc',
      `The member's data does not match its CRC-32 checksum (${hex(crc32(data))}, the archive says ${hex(m.crc)}): it is damaged.`,
    );
  }
  if (data.length === m.size) return { data };
  return {
    data,
    warning: {
      code: 'archive-size-mismatch',
      severity: 'warning',
      file: path,
      message: `The archive declares ${m.size.toLocaleString('en-US')} bytes for this member but it holds ${data.length.toLocaleString('en-US')} (its checksum matches, so it was read).`,
    },
  };
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

function inflateZipMember(bytes: Uint8Array, m: ZipMember, budget: Budget): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (m.offset < 0 || m.offset + 30 > bytes.length || view.getUint32(m.offset, true) !== 0x04034b50) {
    throw new Refused('archive-corrupt', 'The member’s local header is missing: the archive is damaged.');
  }
  if (m.flags & 1)
    throw new Refused('archive-encrypted', 'The member is encrypted (password-protected zip).');
  const start = m.offset + 30 + view.getUint16(m.offset + 26, true) + view.getUint16(m.offset + 28, true);
  const data = bytes.subarray(start, start + m.compressedSize);
  if (data.length < m.compressedSize) throw new Refused('archive-corrupt', 'The member is truncated.');
  if (m.method === 0) {
    charge(budget, data.length, data.length);
    return data;
  }
  if (m.method !== 8) {
    const known: Record<number, string> = {
      9: 'Deflate64',
      12: 'bzip2',
      14: 'LZMA',
      93: 'Zstandard',
      95: 'XZ',
      99: 'AES encryption',
    };
    throw new Refused(
      'archive-method',
      `The member uses ${known[m.method] ?? `compression method ${m.method}`}, which cannot be read here; re-pack the archive with ordinary (deflate) zip.`,
    );
  }
  try {
    return (
      inflateKnownSize(data, m.size, budget) ??
      inflateWith((ondata) => new Inflate(ondata), data, budget, m.size)
    );
  } catch (e) {
    if (e instanceof Refused || (e instanceof Error && e.name === 'AbortError')) throw e;
    throw new Refused(
      'archive-corrupt',
      `The member’s compressed data is damaged (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
}

function issueOf(e: Refused, path: string, severity: 'error' | 'warning' = 'error'): Issue<UnpackCode> {
  return { code: e.code, severity, file: path, message: e.message };
}

/** Unique child paths: two members with the same name stay apart. Names are kept as they are (each output
 * escapes what it must: the CLI its terminal controls), only capped in length.
 */
function namer(parent: string) {
  const seen = new Map<string, number>();
  return (name: string) => {
    const segment = name.length > 255 ? `${name.slice(0, 254)}…` : name;
    const n = (seen.get(segment) ?? 0) + 1;
    seen.set(segment, n);
    return `${parent} > ${n === 1 ? segment : `${segment} (${n})`}`;
  };
}

interface Walk {
  budget: Budget;
  containers: ContainerKind[];
  mails: string[];
  part?: MailPart;
  issues: Issue<UnpackCode>[];
}

function* open(path: string, bytes: Uint8Array, walk: Walk): Generator<UnpackItem> {
  const { budget } = walk;
  const kind = detectContainer(bytes);
  if (!kind) {
    // Notes (bodies, images, signatures) are not members that could be reports: they never use up the cap.
    if (!walk.part?.isNote) {
      if (isFull(budget)) {
        budget.droppedMembers++;
        return;
      }
      budget.entries++;
    }
    // Checked before anyone builds a string of it: past this a document cannot even be decoded in one piece.
    if (bytes.length > budget.limits.maxEntryBytes) {
      throw new Refused(
        'limit-entry-size',
        `It is ${MiB(bytes.length)}, more than ${MiB(budget.limits.maxEntryBytes)}, the limit for one document.`,
      );
    }
    yield {
      kind: 'entry',
      path,
      bytes,
      containers: walk.containers,
      mails: walk.mails,
      part: walk.part,
      issues: walk.issues,
    };
    return;
  }
  if (walk.containers.length >= budget.limits.maxDepth) {
    throw new Refused(
      'limit-depth',
      `Containers are nested more than ${budget.limits.maxDepth} deep (${[...walk.containers, kind].join(' > ')}).`,
    );
  }
  const inner = (extra: Partial<Walk> = {}): Walk => ({
    ...walk,
    containers: [...walk.containers, kind],
    part: undefined,
    ...extra,
  });
  if (kind === 'gzip') {
    const { data, hasTrailingData } = gunzip(bytes, budget);
    const issues = hasTrailingData
      ? [
          ...walk.issues,
          {
            code: 'gzip-trailing-data' as const,
            severity: 'warning' as const,
            file: path,
            message: 'Bytes after the end of the gzip data were ignored.',
          },
        ]
      : walk.issues;
    // A gzip holds one stream, not named members: what comes out keeps the file's path.
    yield* guarded(path, data, inner({ issues, part: walk.part }));
    return;
  }
  if (kind === 'zip') {
    const members = readZipDirectory(bytes).filter((m) => !m.name.endsWith('/'));
    if (members.length === 0) throw new Refused('archive-empty', 'The zip archive holds no files.');
    const child = namer(path);
    for (let k = 0; k < members.length; k++) {
      const m = members[k]!;
      if (budget.signal) throwIfAborted(budget.signal);
      if (isFull(budget)) {
        budget.droppedMembers += members.length - k;
        break;
      }
      const memberPath = child(m.name);
      let member: ReturnType<typeof readZipMember>;
      try {
        member = readZipMember(bytes, m, budget, memberPath);
      } catch (e) {
        if (!(e instanceof Refused) || isFatal(e)) throw e;
        budget.entries++;
        yield { kind: 'failed', path: memberPath, mails: walk.mails, issue: issueOf(e, memberPath) };
        continue;
      }
      const issues = member.warning ? [...walk.issues, member.warning] : walk.issues;
      try {
        yield* guarded(memberPath, member.data, inner({ issues }));
      } catch (e) {
        // A limit on the whole file ends it here: what is left is counted for the message.
        if (e instanceof Refused) budget.droppedMembers += members.length - k - 1;
        throw e;
      }
    }
    return;
  }
  const messages = kind === 'mbox' ? splitMbox(bytes) : [bytes];
  const child = namer(path);
  for (let i = 0; i < messages.length; i++) {
    if (budget.signal && i % 256 === 0) throwIfAborted(budget.signal);
    if (isFull(budget)) {
      budget.droppedMails += messages.length - i;
      break;
    }
    const mailPath = kind === 'mbox' && messages.length > 1 ? child(`message ${i + 1}`) : path;
    const mail = parseMail(messages[i]!, { maxParts: budget.limits.maxEntries, maxNesting: 20 });
    try {
      yield* mailItems(mailPath, mail, inner({ mails: [...walk.mails, mailPath] }));
    } catch (e) {
      if (e instanceof Refused) budget.droppedMails += messages.length - i - 1;
      throw e;
    }
  }
}

function* mailItems(path: string, mail: ParsedMail, walk: Walk): Generator<UnpackItem> {
  const info: MailInfo = {
    path,
    subject: mail.headers.get('subject') ?? '',
    contentType: mail.contentType,
    params: mail.params,
    types: mail.types,
    headerNames: mail.headers.all.map(([n]) => n),
    headers: mail.headers.all,
  };
  yield { kind: 'mail', info, mails: walk.mails };
  const child = namer(path);
  for (const leaf of mail.leaves) {
    const isBody = !leaf.filename && leaf.contentType.startsWith('text/');
    // A mislabelled attachment keeps its data name: `report.xml` sent as text/html is still a candidate.
    const isNote =
      isBody || (isNoteType(leaf.contentType) && !/\.(xml|zip|gz|json)$/i.test(leaf.filename ?? ''));
    const segment = leaf.filename ?? (leaf.index ? `part ${leaf.index}` : 'body');
    const partPath =
      mail.leaves.length === 1 && !leaf.filename && !leaf.index ? `${path} > body` : child(segment);
    yield* guarded(partPath, leaf.body, {
      ...walk,
      part: { contentType: leaf.contentType, filename: leaf.filename, isBody, isNote },
    });
  }
  yield { kind: 'mail-end', path };
}

/** Content that is never a data file, whatever its name: what mail clients add around attachments. */
function isNoteType(type: string): boolean {
  return (
    type === 'text/html' ||
    type === 'text/enriched' ||
    type === 'text/rfc822-headers' ||
    type.startsWith('image/') ||
    type.startsWith('audio/') ||
    type.startsWith('video/') ||
    type.endsWith('-signature') ||
    type === 'application/pgp-keys' ||
    type === 'application/ms-tnef' ||
    type === 'message/delivery-status' ||
    type === 'message/disposition-notification'
  );
}

const isFull = (budget: Budget) => budget.entries >= budget.limits.maxEntries;

/** Limits that concern the whole input end it; a damaged member only ends itself. */
function isFatal(e: Refused): boolean {
  return e.code === 'limit-total-size' || e.code === 'limit-ratio';
}

const count = (x: number, one: string, many: string) =>
  `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;

/** "2 more members and 15 more mails", or '' when nothing was left out. */
function notRead(budget: Budget): string {
  return [
    budget.droppedMembers ? count(budget.droppedMembers, 'more member', 'more members') : '',
    budget.droppedMails ? count(budget.droppedMails, 'more mail', 'more mails') : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

/** The exact account of what the member cap left out. */
function droppedMessage(budget: Budget): string {
  return `Only the first ${count(budget.limits.maxEntries, 'member', 'members')} that could be reports were read (the limit for one input file); ${notRead(budget)} ${budget.droppedMembers + budget.droppedMails === 1 ? 'was' : 'were'} not read.`;
}

function* guarded(path: string, bytes: Uint8Array, walk: Walk): Generator<UnpackItem> {
  try {
    yield* open(path, bytes, walk);
  } catch (e) {
    if (!(e instanceof Refused) || isFatal(e)) throw e;
    yield { kind: 'failed', path, mails: walk.mails, issue: issueOf(e, path) };
  }
}

/**
 * Every member of one input file, lazily (one member's bytes in memory at a time for zip and mail). Limits that
 * concern the whole file (total size, ratio, member count) end the walk with one `failed` item for the file.
 */
export function* unpack(
  file: NamedBytes,
  limits: Partial<UnpackLimits> = {},
  signal?: AbortSignal,
): Generator<UnpackItem> {
  const budget: Budget = {
    limits: { ...DEFAULT_UNPACK_LIMITS, ...limits },
    inputSize: file.bytes.length,
    produced: 0,
    entries: 0,
    droppedMembers: 0,
    droppedMails: 0,
    signal,
  };
  try {
    yield* guarded(file.name, file.bytes, { budget, containers: [], mails: [], issues: [] });
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    const issue = issueOf(e, file.name);
    const left = notRead(budget);
    if (left) issue.message += ` The rest was not read: ${left}.`;
    yield { kind: 'failed', path: file.name, mails: [], issue };
    return;
  }
  if (budget.droppedMembers || budget.droppedMails) {
    yield {
      kind: 'failed',
      path: file.name,
      mails: [],
      issue: { code: 'limit-entries', severity: 'error', file: file.name, message: droppedMessage(budget) },
    };
  }
}

/** The bytes of one member, found again by its path (the drill-down re-reads the file instead of keeping copies). */
export function extractEntry(
  file: NamedBytes,
  path: string,
  limits: Partial<UnpackLimits> = {},
): Uint8Array | undefined {
  for (const item of unpack(file, limits)) if (item.kind === 'entry' && item.path === path) return item.bytes;
  return undefined;
}
