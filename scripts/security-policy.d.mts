export type FileKind = 'default' | 'assets' | 'bridge' | 'single';
export type Headers = Record<string, string>;

export const MICROSOFT: string;
export function contentSecurityPolicy(scriptSrc: string, workerSrc: string): string;
export const PAGE_POLICY: string;
export function singleFilePolicy(scriptHashes: string[]): string;
export const PERMISSIONS_POLICY: string;
export const IMMUTABLE: string;
export const REVALIDATE: string;
export const COMMON_HEADERS: Headers;
export const PATHS: { assets: string; bridge: string; single: string };
export function headerPolicy(metaPolicy: string | null, ancestors?: string): string;
export const KINDS: FileKind[];
export function headersForKind(kind: FileKind): Headers;
export function kindOf(relativePath: string): FileKind;
export function headersFor(relativePath: string): Headers;
