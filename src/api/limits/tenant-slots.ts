/**
 * Generations each tenant has in flight (queued or running) in this process: a tenant at its limit is
 * refused before the process-wide queue, so one tenant cannot fill it for everyone.
 */
export class TenantSlots {
  private readonly inFlight = new Map<string, number>();

  /** Takes a slot for `tenant` when it has fewer than `limit` in flight; false when it is at its limit. */
  tryAcquire(tenant: string, limit: number): boolean {
    const current = this.inFlight.get(tenant) ?? 0;
    if (current >= limit) return false;
    this.inFlight.set(tenant, current + 1);
    return true;
  }

  /** Gives a slot back. */
  release(tenant: string): void {
    const current = this.inFlight.get(tenant) ?? 0;
    if (current <= 1) this.inFlight.delete(tenant);
    else this.inFlight.set(tenant, current - 1);
  }

  /** Generations `tenant` has in flight. */
  count(tenant: string): number {
    return this.inFlight.get(tenant) ?? 0;
  }
}
