/** Where webhooks may be sent. */
export interface WebhookTargetPolicy {
  /**
   * Whether `http://127.0.0.1`, `http://localhost` and `http://[::1]` are allowed: only when the server itself
   * runs on this machine's loopback (the Node server on a loopback host), so the receiver is local too.
   */
  readonly allowLoopbackHttp: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a `webhook_url` is refused, or null when it may be used: `https` to a host name or a public address
 * (no credentials in the URL, no IP literal of a loopback, private, link-local, shared or unspecified
 * range, so a request cannot aim deliveries at the deployment's own network, e.g. the cloud metadata
 * address); plain `http` only to loopback and only where the policy allows it. Host names are not
 * resolved (edge runtimes have no DNS API): a name that resolves to a private address is not caught here.
 */
export function webhookUrlProblem(value: string, policy: WebhookTargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'http:') {
    if (policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(host)) return null;
    return policy.allowLoopbackHttp ? 'http is allowed to 127.0.0.1, localhost and [::1] only; use https' : 'must be https (http only to loopback, and only from a server on loopback)';
  }
  if (url.protocol !== 'https:') return 'must be https';
  if (host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host)) return 'must not be a loopback, private or link-local address';
  return null;
}

/** Whether an IP literal (IPv4, or IPv6 in brackets) is loopback, private, link-local, shared, unspecified or multicast. */
function isInternalAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  if (host.startsWith('[') && host.endsWith(']')) {
    const v6 = host.slice(1, -1);
    // ::ffff:a.b.c.d arrives normalised to hex by URL; any v4-mapped or v4-compatible form is refused with the rest
    return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6) || v6.startsWith('::ffff:') || /^::[0-9a-f]/.test(v6);
  }
  return false;
}
