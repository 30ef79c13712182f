/**
 * What a device keeps while it cannot reach the broker: a bounded FIFO. A device has little RAM;
 * when it is full the oldest entry goes (the newest events matter most to a building manager),
 * and the number dropped is counted so that the loss is visible.
 */
export class OfflineBuffer<T> {
  #items: T[] = [];
  #head = 0; // index of the oldest item: shift() stays O(1) without Array.prototype.shift
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`buffer capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** How many entries were dropped since this buffer was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends; returns the entries dropped to make room (oldest first). */
  push(item: T): T[] {
    this.#items.push(item);
    return this.#trim();
  }

  /** Puts entries back in front (they were sent but never acknowledged); returns those dropped. */
  prepend(items: T[]): T[] {
    if (items.length === 0) return [];
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
    return this.#trim();
  }

  /** Removes and returns every entry, oldest first. */
  drain(): T[] {
    const out = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return out;
  }

  #trim(): T[] {
    const excess = this.size - this.capacity;
    if (excess <= 0) return [];
    const dropped = this.#items.slice(this.#head, this.#head + excess);
    this.#head += excess;
    this.#dropped += excess;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return dropped;
  }
}
