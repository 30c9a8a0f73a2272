import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Finds a Chromium to drive: $CHROMIUM_PATH, else Debian's `chromium` on PATH. Browsers are never downloaded.
 */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH points to ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
    if (found) return found;
  } catch {
    /* not on PATH */
  }
  throw new Error(
    "No Chromium found. Install Debian's: `sudo apt-get update && sudo apt-get install -y chromium`, " +
      'or set CHROMIUM_PATH to a Chrome/Chromium binary.',
  );
}

/** Flags for a root user on a closed network: no sandbox, no background connections to Google. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
