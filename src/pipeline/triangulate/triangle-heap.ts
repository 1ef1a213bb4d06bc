/**
 * Indexed binary max-heap of triangle slots keyed by their error. `positionOf[t]` lets a triangle
 * that was rewritten by a split or flip be re-keyed in place (one sift) instead of removed and
 * pushed again. Keys are stored next to the slots so sifting never chases an indirection.
 */
export class TriangleHeap {
  size = 0;
  private slots: Int32Array;
  private keys: Float64Array;
  private positionOf: Int32Array;

  constructor(capacity: number) {
    const n = Math.max(16, capacity | 0);
    this.slots = new Int32Array(n);
    this.keys = new Float64Array(n);
    this.positionOf = new Int32Array(n).fill(-1);
  }

  get topTriangle(): number {
    return this.slots[0];
  }

  get topError(): number {
    return this.size === 0 ? 0 : this.keys[0];
  }

  /** Removes triangle `t` if it is queued. */
  delete(t: number): void {
    if (t >= this.positionOf.length) return;
    const i = this.positionOf[t];
    if (i < 0) return;
    this.positionOf[t] = -1;
    const last = --this.size;
    if (i === last) return;
    const lastKey = this.keys[last];
    const removedKey = this.keys[i];
    this.slots[i] = this.slots[last];
    this.keys[i] = lastKey;
    this.positionOf[this.slots[i]] = i;
    if (lastKey > removedKey) this.up(i);
    else this.down(i);
  }

  /** Inserts triangle `t` or, when it is already queued, changes its key. */
  set(t: number, key: number): void {
    if (t >= this.positionOf.length) this.grow(t + 1);
    let i = this.positionOf[t];
    if (i < 0) {
      i = this.size++;
      this.slots[i] = t;
      this.keys[i] = key;
      this.positionOf[t] = i;
      this.up(i);
      return;
    }
    const old = this.keys[i];
    this.keys[i] = key;
    if (key > old) this.up(i);
    else this.down(i);
  }

  private up(i: number): void {
    const slots = this.slots;
    const keys = this.keys;
    const pos = this.positionOf;
    const t = slots[i];
    const key = keys[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentKey = keys[parent];
      if (parentKey >= key) break;
      const pt = slots[parent];
      slots[i] = pt;
      keys[i] = parentKey;
      pos[pt] = i;
      i = parent;
    }
    slots[i] = t;
    keys[i] = key;
    pos[t] = i;
  }

  private down(i: number): void {
    const slots = this.slots;
    const keys = this.keys;
    const pos = this.positionOf;
    const n = this.size;
    const t = slots[i];
    const key = keys[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let childKey = keys[child];
      const right = child + 1;
      if (right < n && keys[right] > childKey) {
        child = right;
        childKey = keys[right];
      }
      if (childKey <= key) break;
      const ct = slots[child];
      slots[i] = ct;
      keys[i] = childKey;
      pos[ct] = i;
      i = child;
    }
    slots[i] = t;
    keys[i] = key;
    pos[t] = i;
  }

  private grow(minimum: number): void {
    let n = this.positionOf.length;
    while (n < minimum) n *= 2;
    const slots = new Int32Array(n);
    slots.set(this.slots);
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const pos = new Int32Array(n).fill(-1);
    pos.set(this.positionOf);
    this.slots = slots;
    this.keys = keys;
    this.positionOf = pos;
  }
}
