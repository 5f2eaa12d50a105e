import { BudgetExceededError } from '../engine-errors.js';

/**
 * The request's NFE account. Work is planned before it is dispatched: a call reserves its planned NFEs
 * first and is not started when they do not fit, so the cap is never passed. A call that returns settles
 * its reservation at the NFEs it reports; one that fails after it started keeps its reservation as spent
 * (`failed`: a GPU may have run it); one that never started is refunded.
 *
 * Two caps: `cap` bounds what strategies plan (the tighter of budget_nfe and the NFEs of `budget` full
 * images), `hardCap` what retries may add (budget_nfe when the request gave one; an image budget counts
 * images, which a retry does not add, so retries under it are only counted).
 */
export class NfeLedger {
  private chargedValue = 0;
  private failedValue = 0;
  private overrunValue = 0;

  constructor(
    readonly cap: number,
    readonly hardCap: number = cap,
  ) {}

  /** NFEs reserved or spent so far. */
  get charged(): number {
    return this.chargedValue;
  }

  /** NFEs of calls that started and produced nothing. */
  get failed(): number {
    return this.failedValue;
  }

  /** NFEs a generator reported beyond what was planned for its calls (0 for an honest one). */
  get overrun(): number {
    return this.overrunValue;
  }

  /** NFEs that may still be reserved. */
  get remaining(): number {
    return this.cap - this.chargedValue;
  }

  /** Reserves NFEs a strategy planned; throws BudgetExceededError (a strategy bug) when they do not fit. */
  reserve(nfe: number): void {
    if (nfe > this.remaining) throw new BudgetExceededError(nfe, this.remaining, 'NFEs');
    this.chargedValue += nfe;
  }

  /** Reserves a retry's NFEs when they fit the hard cap; false leaves the account unchanged. */
  tryReserve(nfe: number): boolean {
    if (nfe > this.hardCap - this.chargedValue) return false;
    this.chargedValue += nfe;
    return true;
  }

  /** A reserved call returned having spent `actual` NFEs. */
  settle(reserved: number, actual: number): void {
    this.chargedValue += actual - reserved;
    if (actual > reserved) this.overrunValue += actual - reserved;
  }

  /** A reserved call started and failed: its NFEs count as spent. */
  fail(reserved: number): void {
    this.failedValue += reserved;
  }

  /** A reserved call never started. */
  refund(reserved: number): void {
    this.chargedValue -= reserved;
  }
}
