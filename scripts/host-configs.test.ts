import { describe, expect, it } from 'vitest';
import { hostConfigs } from './host-configs.ts';
import { headersFor, PAGE_POLICY } from './security-policy.mjs';

/**
 * Each config is read back the way its host reads it (a small model of each host's matching and merging rules),
 * and the headers it yields for each kind of file are compared with the policy.
 */
type Headers = Record<string, string>;
const configs = hostConfigs();

const PATHS = [
  '/',
  '/index.html',
  '/sw.js',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/assets/main-DoKM_-yS.js',
  '/assets/worker-DbeJBYi0.js',
  '/redirect.html',
  '/hybrid-toolbox.html',
];
const rel = (path: string) => (path === '/' ? 'index.html' : path.slice(1));

/** Azure Static Web Apps: globalHeaders, then the first matching route's headers override by name. */
function azure(path: string): Headers {
  const c = JSON.parse(configs['staticwebapp.config.json']!) as {
    globalHeaders: Headers;
    routes: { route: string; headers: Headers }[];
  };
  const route = c.routes.find((r) =>
    r.route.endsWith('*') ? path.startsWith(r.route.slice(0, -1)) : path === r.route,
  );
  return { ...c.globalHeaders, ...route?.headers };
}

/** IIS: the folder's customHeaders, then a <location> for the subfolder or file removes and adds. */
function iis(path: string): Headers {
  const text = configs['web.config']!;
  const apply = (block: string, into: Headers) => {
    for (const m of block.matchAll(/<(remove|add) name="([^"]+)"(?: value="([^"]*)")? \/>/g)) {
      if (m[1] === 'remove') delete into[m[2]!];
      else
        into[m[2]!] = m[3]!
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&');
    }
    return into;
  };
  const [top, ...locations] = text.split('<location ');
  const headers = apply(top!.slice(top!.indexOf('<customHeaders>')), {});
  delete headers['X-Powered-By'];
  for (const loc of locations) {
    const where = /^path="([^"]+)"/.exec(loc)![1]!;
    const p = rel(path);
    if (p === where || p.startsWith(`${where}/`)) apply(loc, headers);
  }
  return headers;
}

/** nginx: the first regex location that matches wins over the `location /` prefix; no add_header is inherited. */
function nginx(path: string): Headers {
  const text = configs['nginx.conf']!;
  const blocks = [...text.matchAll(/location (~ )?(\S+) \{([^}]*)\}/g)].map((m) => ({
    regex: m[1] ? new RegExp(m[2]!) : undefined,
    prefix: m[1] ? undefined : m[2]!,
    body: m[3]!,
  }));
  const block =
    blocks.find((b) => b.regex?.test(path)) ?? blocks.find((b) => b.prefix && path.startsWith(b.prefix));
  const headers: Headers = {};
  for (const m of block!.body.matchAll(/add_header (\S+) "((?:[^"\\]|\\.)*)" always;/g))
    headers[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return headers;
}

/** Apache .htaccess: the folder's directives, then <Files>, then <If> (Apache's merge order); `set` replaces. */
function apache(path: string): Headers {
  const text = configs['.htaccess']!;
  const set = (block: string, into: Headers) => {
    for (const m of block.matchAll(/^\s*Header always set (\S+) "((?:[^"\\]|\\.)*)"$/gm))
      into[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    return into;
  };
  const sections = [...text.matchAll(/<(Files|If) "([^"]+)">([\s\S]*?)<\/\1>/g)];
  const headers = set(text.replace(/<(Files|If) [\s\S]*?<\/\1>/g, ''), {});
  const file = rel(path).split('/').pop()!;
  for (const [, kind, arg, body] of sections.filter((s) => s[1] === 'Files'))
    if (kind === 'Files' && arg === file) set(body!, headers);
  for (const [, , arg, body] of sections.filter((s) => s[1] === 'If')) {
    const m = /^%\{REQUEST_URI\} =~ m#(.+)#$/.exec(arg!);
    if (m && new RegExp(m[1]!).test(path)) set(body!, headers);
  }
  return headers;
}

/**
 * Netlify and Cloudflare Pages: every matching rule applies. Where two matching rules set one header, Netlify
 * keeps the later and Cloudflare joins both with a comma, so the file must never do that.
 */
function headersFile(path: string): Headers {
  const rules: { pattern: string; headers: Headers }[] = [];
  for (const line of configs._headers!.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    if (!line.startsWith(' ')) rules.push({ pattern: line.trim(), headers: {} });
    else {
      const i = line.indexOf(':');
      rules.at(-1)!.headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  const headers: Headers = {};
  for (const r of rules) {
    const matches = r.pattern.endsWith('*') ? path.startsWith(r.pattern.slice(0, -1)) : path === r.pattern;
    if (!matches) continue;
    for (const [k, v] of Object.entries(r.headers)) {
      if (k in headers) throw new Error(`_headers sets ${k} twice for ${path}`);
      headers[k] = v;
    }
  }
  return headers;
}

const hosts = { azure, iis, nginx, apache, headersFile } as const;
const PAGE_HEADER = `${PAGE_POLICY}; frame-ancestors 'none'`;

describe('the security policy', () => {
  it('is the meta policy plus what only a header can carry', () => {
    expect(headersFor('index.html')).toEqual({
      'Content-Security-Policy': PAGE_HEADER,
      'X-Frame-Options': 'DENY',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Permissions-Policy':
        'accelerometer=(), autoplay=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()',
      'Cache-Control': 'no-cache',
    });
    expect(PAGE_POLICY).toContain("script-src 'self';");
    expect(PAGE_POLICY).toContain(
      "connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com;",
    );
    expect(PAGE_POLICY).not.toContain('frame-ancestors');
  });

  it('caches hashed assets for a year, lets the app frame its sign-in bridge, and adds only frame-ancestors to the single file', () => {
    expect(headersFor('assets/main-DoKM_-yS.js')['Cache-Control']).toBe(
      'public, max-age=31536000, immutable',
    );
    expect(headersFor('sw.js')['Cache-Control']).toBe('no-cache');
    expect(headersFor('manifest.webmanifest')['Cache-Control']).toBe('no-cache');
    expect(headersFor('redirect.html')['Content-Security-Policy']).toBe(
      `${PAGE_POLICY}; frame-ancestors 'self'`,
    );
    expect(headersFor('redirect.html')['X-Frame-Options']).toBe('SAMEORIGIN');
    expect(headersFor('hybrid-toolbox.html')['Content-Security-Policy']).toBe("frame-ancestors 'none'");
  });
});

describe('every generated host config', () => {
  it('exists for each host', () => {
    expect(Object.keys(configs).sort()).toEqual(
      ['.htaccess', 'Dockerfile', '_headers', 'nginx.conf', 'staticwebapp.config.json', 'web.config'].sort(),
    );
  });

  for (const [host, read] of Object.entries(hosts)) {
    it(`${host}: sends the policy's headers for every kind of file`, () => {
      for (const path of PATHS) {
        // Netlify/Cloudflare rules name the files that need more than the shared headers; images need no more.
        const expected =
          host === 'headersFile' && path.startsWith('/icons/')
            ? Object.fromEntries(
                Object.entries(headersFor(rel(path))).filter(
                  ([k]) => !['Content-Security-Policy', 'X-Frame-Options', 'Cache-Control'].includes(k),
                ),
              )
            : headersFor(rel(path));
        expect(read(path), `${host} ${path}`).toEqual(expected);
      }
      expect(read('/index.html')['Content-Security-Policy']).toBe(PAGE_HEADER);
    });
  }

  it('nginx matches the special files under any sub-path the site is served from', () => {
    expect(nginx('/tools/hybrid/assets/x-1.js')['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(nginx('/tools/hybrid/redirect.html')['X-Frame-Options']).toBe('SAMEORIGIN');
    expect(nginx('/tools/hybrid/')['Content-Security-Policy']).toBe(PAGE_HEADER);
  });

  it('the Dockerfile serves the nginx config on the official image and ships no config files as content', () => {
    const docker = configs.Dockerfile!;
    expect(docker).toMatch(/^FROM nginx:stable-alpine$/m);
    expect(docker).toContain('COPY nginx.conf /etc/nginx/conf.d/default.conf');
    for (const f of [
      'staticwebapp.config.json',
      'web.config',
      'nginx.conf',
      '.htaccess',
      '_headers',
      'Dockerfile',
    ])
      expect(docker).toMatch(new RegExp(`rm -f .*${f.replace('.', '\\.')}`));
  });
});
