/**
 * The Graph transport over the Microsoft Graph JavaScript client. Its middleware chain is cut down to the HTTP
 * handler alone: retries, paging and the bearer token are done once in `client.ts` (the SDK's RetryHandler cannot
 * be cancelled while it waits, and its AuthenticationHandler only trusts https hosts it knows).
 */
import { Client, HTTPMessageHandler, ResponseType } from '@microsoft/microsoft-graph-client';
import type { GraphTransport, TransportResponse } from './client.ts';

export function sdkTransport(): GraphTransport {
  const clients = new Map<string, Client>();
  return async (url, init) => {
    const u = new URL(url);
    let client = clients.get(u.origin);
    if (!client) {
      // The SDK parses absolute URLs only for https; giving it the origin and a relative path works for both.
      client = Client.initWithMiddleware({
        middleware: new HTTPMessageHandler(),
        baseUrl: u.origin,
        defaultVersion: '',
      });
      clients.set(u.origin, client);
    }
    const request = client
      .api(`${u.pathname}${u.search}`)
      .headers(init.headers)
      .option('signal', init.signal)
      .option('credentials', 'omit')
      .responseType(ResponseType.RAW);
    return (await (init.method === 'POST' ? request.post(init.body) : request.get())) as TransportResponse;
  };
}
