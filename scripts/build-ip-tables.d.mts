export interface IpTableStats {
  date: number;
  networks: number;
  named: number;
  countries: number;
  v4Ranges: number;
  v6Ranges: number;
  rawBytes: number;
}
export function buildIpTable(): { bytes: Uint8Array; stats: IpTableStats };
export function ipTableBytes(): Uint8Array;
export function ipTableFileName(bytes: Uint8Array): string;
