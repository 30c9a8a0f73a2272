import type { Server } from 'node:http';

/** A server for the built site in `rootOf()`, asked on every request; the same headers as the host configs. */
export function createSiteServer(rootOf: () => string): Server;
