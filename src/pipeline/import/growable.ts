/**
 * Typed arrays that double as they fill, for readers that cannot count exactly before reading
 * (3MF, where elements may carry namespace prefixes). Callers check their limits as they push,
 * so growth never runs far past a limit.
 */
export class GrowableFloat32 {
  private data = new Float32Array(1024);
  length = 0;

  push3(x: number, y: number, z: number): void {
    if (this.length + 3 > this.data.length) this.grow();
    this.data[this.length++] = x;
    this.data[this.length++] = y;
    this.data[this.length++] = z;
  }

  get(i: number): number {
    return this.data[i];
  }

  private grow(): void {
    const next = new Float32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

export class GrowableUint32 {
  private data = new Uint32Array(1024);
  length = 0;

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow();
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }

  get(i: number): number {
    return this.data[i];
  }

  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
