/** A small least-recently-used cache bounded by total cost (entries count 1 each unless a cost is given). */
export class LruCache<Key, Value> {
  private readonly entries = new Map<Key, { value: Value; cost: number }>();
  private totalCost = 0;

  constructor(private readonly maxCost: number) {}

  /** The cached value (marked as most recently used), or undefined. */
  get(key: Key): Value | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores a value, evicting the least recently used entries beyond the cost bound. */
  set(key: Key, value: Value, cost = 1): void {
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.totalCost -= previous.cost;
    }
    this.entries.set(key, { value, cost });
    this.totalCost += cost;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalCost <= this.maxCost || this.entries.size <= 1) break;
      this.entries.delete(oldestKey);
      this.totalCost -= oldest.cost;
    }
  }

  /** Forgets one key. */
  delete(key: Key): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalCost -= entry.cost;
  }

  get size(): number {
    return this.entries.size;
  }
}
