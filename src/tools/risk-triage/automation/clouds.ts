/**
 * Where the job signs in and which Graph it reads, per national cloud. An explicit authority host or Graph
 * endpoint (a proxy, a test's stand-in) overrides the cloud's; plain http is accepted only on the loopback
 * address, so a token can never travel unencrypted over a network.
 */

export type CloudName = 'global' | 'usgov' | 'usgov-dod' | 'china';

export const CLOUDS: Record<CloudName, { authorityHost: string; graphEndpoint: string }> = {
  global: {
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com',
  },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://graph.microsoft.us' },
  'usgov-dod': {
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://dod-graph.microsoft.us',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
  },
};

export function isCloudName(value: string): value is CloudName {
  return Object.hasOwn(CLOUDS, value);
}

export interface Endpoints {
  /** `https://login.microsoftonline.com` — no tenant, no trailing slash. */
  authorityHost: string;
  /** `https://graph.microsoft.com` — no version. */
  graphEndpoint: string;
  /** `https://graph.microsoft.com/v1.0` */
  graphBase: string;
  /** The app-only scope: `<graph endpoint>/.default`. */
  scope: string;
}

function origin(raw: string, what: string, allowLoopbackHttp: boolean): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TypeError(`${what} must be a URL such as https://login.microsoftonline.com, not "${raw}".`);
  }
  const loopback = /^(127\.0\.0\.1|\[::1\]|localhost)$/.test(u.hostname);
  if (u.protocol !== 'https:' && !(allowLoopbackHttp && u.protocol === 'http:' && loopback)) {
    throw new TypeError(`${what} must use https (${u.protocol}//${u.host} would send tokens in clear text).`);
  }
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    throw new TypeError(`${what} is a host only, such as ${u.protocol}//${u.host}, without a path or query.`);
  }
  return u.origin;
}

/** Resolves the cloud and the overrides; throws a TypeError with plain words for a wrong value. */
export function resolveEndpoints(o: {
  cloud?: string;
  authorityHost?: string;
  graphEndpoint?: string;
}): Endpoints {
  const name = o.cloud ?? 'global';
  if (!isCloudName(name)) {
    throw new TypeError(`--cloud must be one of ${Object.keys(CLOUDS).join(', ')}, not "${name}".`);
  }
  const cloud = CLOUDS[name];
  // MSAL itself insists on https for an authority.
  const authorityHost = origin(o.authorityHost ?? cloud.authorityHost, '--authority-host', false);
  const graphEndpoint = origin(o.graphEndpoint ?? cloud.graphEndpoint, '--graph-endpoint', true);
  return {
    authorityHost,
    graphEndpoint,
    graphBase: `${graphEndpoint}/v1.0`,
    scope: `${graphEndpoint}/.default`,
  };
}
