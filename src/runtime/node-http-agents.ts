import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Keep-alive agents for the AWS SDK's Node HTTP handler with `sockets` connections per host, so calls in
 * flight at once (a batch fan-out) reuse connections instead of queueing for the SDK's default 50 or
 * opening new TLS sessions. Node runtimes (the server, Lambda) pass them; the edge keeps the SDK's fetch.
 */
export function keepAliveAgents(sockets: number): { readonly httpAgent: HttpAgent; readonly httpsAgent: HttpsAgent } {
  return {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: sockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
  };
}
