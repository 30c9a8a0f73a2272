/// <reference types="vite-plugin-pwa/vanillajs" />

const HOUR = 60 * 60 * 1000;

/**
 * The hosted app's service worker, seen from the page: whether the app is ready offline, whether a new version is
 * waiting, and whether the network is there. A new version never replaces the running one by itself: it waits
 * until the user chooses to reload, so an analysis in progress is never swapped out.
 */
export class AppUpdate {
  /** A new version is installed and waits for a reload. */
  waiting = $state(false);
  /** The first visit finished caching the app: it now opens and works without network. */
  offlineReady = $state(false);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  #activate: ((reload?: boolean) => Promise<void>) | undefined;

  /** Registers the service worker; its code loads after the app, so the shell stays small. */
  async start(): Promise<void> {
    addEventListener('online', () => (this.online = true));
    addEventListener('offline', () => (this.online = false));
    if (!__HT_SERVICE_WORKER__ || !('serviceWorker' in navigator)) return;
    const { registerSW } = await import('virtual:pwa-register');
    this.#activate = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.waiting = true),
      onOfflineReady: () => (this.offlineReady = true),
      // An admin may keep the page open for days: look for a new deployment every hour, not only on reload.
      onRegisteredSW: (_url, registration) => {
        if (registration) setInterval(() => void registration.update().catch(() => undefined), HOUR);
      },
      // Without a service worker (a host that refuses it, a private window) the app still works online.
      onRegisterError: () => undefined,
    });
  }

  /** Activates the waiting version and reloads the page with it. */
  async reload(): Promise<void> {
    const sw = navigator.serviceWorker;
    // A controlled page reloads when the new worker takes control (registerSW listens for that).
    if (this.#activate && sw?.controller) return this.#activate(true);
    // A page opened before any service worker took over is not controlled: reload once the new one is active.
    const waiting = (await sw?.getRegistration())?.waiting;
    if (!waiting) return location.reload();
    waiting.addEventListener('statechange', () => {
      if (waiting.state === 'activated') location.reload();
    });
    waiting.postMessage({ type: 'SKIP_WAITING' });
  }
}

export const appUpdate = new AppUpdate();
