// The page's security policy, defined once. The build writes it into the pages' <meta> tag and into every host
// config it generates; scripts/serve.mjs sends it as headers. Plain JavaScript so that Node runs it as it is.

/** The only hosts the page may talk to besides itself, and only after an explicit sign-in. */
export const MICROSOFT = 'https://login.microsoftonline.com https://graph.microsoft.com';

/** The policy a page carries in its <meta> tag. A meta tag cannot carry frame-ancestors; headers add it. */
export function contentSecurityPolicy(scriptSrc, workerSrc) {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    // Svelte sets style attributes (virtual rows, chart sizes); styles cannot send data anywhere.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${MICROSOFT}`,
    "frame-src 'self' https://login.microsoftonline.com",
    `worker-src ${workerSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The multi-file build's pages (index.html, redirect.html): code only from the page's own origin. */
export const PAGE_POLICY = contentSecurityPolicy("'self'", "'self'");

/** The single-file build: its code is inline, allowed by hash (never 'unsafe-inline'); workers from blob:/data:. */
export function singleFilePolicy(scriptHashes) {
  return contentSecurityPolicy(scriptHashes.join(' '), "'self' blob: data:");
}

/** Powerful features the page never uses, switched off for it and anything it might embed. */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'serial',
  'usb',
]
  .map((f) => `${f}=()`)
  .join(', ');

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * Every response gets these. HSTS only counts over HTTPS (browsers ignore it on http://), so it is harmless on a
 * local server.
 */
export const COMMON_HEADERS = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': PERMISSIONS_POLICY,
};

/**
 * Files that need other headers than the rest, by their path inside the build:
 * - `assets/` holds only content-hashed files: cached for a year, never revalidated.
 * - `redirect.html` is MSAL's sign-in bridge: a silent token renewal loads it in a hidden frame of the app, so the
 *   app's own origin may frame it. Frames from any other origin stay refused.
 * - `hybrid-toolbox.html` (the single-file build) carries its own hash-based policy in its <meta> tag; a second
 *   full policy in a header would block its inline code, so its header adds only what a meta tag cannot carry.
 * Everything else (index.html, the service worker, the manifest, icons) is revalidated on every load, so a new
 * deployment is seen at once and announced by the service worker.
 */
export const PATHS = { assets: 'assets/', bridge: 'redirect.html', single: 'hybrid-toolbox.html' };

/** The header Content-Security-Policy of a page: its meta policy plus frame-ancestors. */
export function headerPolicy(metaPolicy, ancestors = "'none'") {
  return metaPolicy ? `${metaPolicy}; frame-ancestors ${ancestors}` : `frame-ancestors ${ancestors}`;
}

/** The kinds of files that get different headers; every host config has one rule per kind. */
export const KINDS = ['default', 'assets', 'bridge', 'single'];

/** All headers for one kind of file. */
export function headersForKind(kind) {
  const bridge = kind === 'bridge';
  return {
    'Content-Security-Policy': headerPolicy(
      kind === 'single' ? null : PAGE_POLICY,
      bridge ? "'self'" : "'none'",
    ),
    // For browsers without frame-ancestors.
    'X-Frame-Options': bridge ? 'SAMEORIGIN' : 'DENY',
    ...COMMON_HEADERS,
    'Cache-Control': kind === 'assets' ? IMMUTABLE : REVALIDATE,
  };
}

/** Which kind a file is, by its path relative to the build's root (`assets/x.js`, `index.html`). */
export function kindOf(relativePath) {
  const p = relativePath.replace(/^\/+/, '');
  if (p.startsWith(PATHS.assets)) return 'assets';
  if (p === PATHS.bridge) return 'bridge';
  if (p === PATHS.single) return 'single';
  return 'default';
}

/** The headers every host sends for a file, by its path relative to the build's root. */
export function headersFor(relativePath) {
  return headersForKind(kindOf(relativePath));
}
