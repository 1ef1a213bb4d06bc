/**
 * manifold-3d objects live on the WASM heap and are never garbage-collected. Every CrossSection and
 * Manifold the extrude stage creates goes through `keep`, and `dispose` (called in `finally`) frees
 * them all, so a failed job leaks nothing either.
 */
export interface Deletable {
  delete(): void;
}

export class WasmScope {
  private readonly owned: Deletable[] = [];

  keep<T extends Deletable>(object: T): T {
    this.owned.push(object);
    return object;
  }

  dispose(): void {
    for (let i = this.owned.length - 1; i >= 0; i--) this.owned[i].delete();
    this.owned.length = 0;
  }
}
