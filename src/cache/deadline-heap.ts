/**
 * A binary min-heap of items by deadline, indexed so that an item's
 * deadline can be changed or the item removed in O(log n): what the cache's
 * one expiry timer reads its next deadline from.
 */

interface Slot<T> {
  item: T;
  at: number;
}

/** Items ordered by deadline; each item at most once. */
export class DeadlineHeap<T> {
  private readonly heap: Slot<T>[] = [];
  private readonly index = new Map<T, number>();

  get size(): number {
    return this.heap.length;
  }

  /** Put `item` at deadline `at`, or move it there. */
  set(item: T, at: number): void {
    const i = this.index.get(item);
    if (i === undefined) {
      this.heap.push({ item, at });
      this.index.set(item, this.heap.length - 1);
      this.up(this.heap.length - 1);
      return;
    }
    const slot = this.heap[i] as Slot<T>;
    const earlier = at < slot.at;
    slot.at = at;
    if (earlier) this.up(i);
    else this.down(i);
  }

  delete(item: T): void {
    const i = this.index.get(item);
    if (i === undefined) return;
    this.index.delete(item);
    const last = this.heap.pop() as Slot<T>;
    if (i === this.heap.length) return;
    this.heap[i] = last;
    this.index.set(last.item, i);
    this.up(i);
    this.down(this.index.get(last.item) as number);
  }

  /** The item due first, with its deadline. */
  peek(): Readonly<Slot<T>> | undefined {
    return this.heap[0];
  }

  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  clear(): void {
    this.heap.length = 0;
    this.index.clear();
  }

  private swap(a: number, b: number): void {
    const sa = this.heap[a] as Slot<T>;
    const sb = this.heap[b] as Slot<T>;
    this.heap[a] = sb;
    this.heap[b] = sa;
    this.index.set(sb.item, a);
    this.index.set(sa.item, b);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.heap[parent] as Slot<T>).at <= (this.heap[i] as Slot<T>).at) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < this.heap.length && (this.heap[l] as Slot<T>).at < (this.heap[least] as Slot<T>).at) least = l;
      if (r < this.heap.length && (this.heap[r] as Slot<T>).at < (this.heap[least] as Slot<T>).at) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }
}
