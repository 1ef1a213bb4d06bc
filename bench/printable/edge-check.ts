/**
 * An independent solid check for STL files, sharing no code with the project's pipeline: read the
 * triangles (binary or ASCII), weld corners at exactly equal coordinates, and count edge uses. A strict
 * solid has every undirected edge used by exactly two triangles, once in each direction (consistent
 * winding), no degenerate (repeated-corner) triangle, and a positive signed volume.
 */

export interface EdgeCheck {
  triangles: number;
  openEdges: number;
  nonManifoldEdges: number;
  /** Edges whose two triangles run the same way (one of them is flipped). */
  misorientedEdges: number;
  degenerateTriangles: number;
  volumeMm3: number;
  strict: boolean;
}

export function readStlTriangles(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 84) {
    const count = view.getUint32(80, true);
    if (84 + count * 50 === bytes.length) {
      const out = new Float32Array(count * 9);
      for (let t = 0; t < count; t++) for (let k = 0; k < 9; k++) out[t * 9 + k] = view.getFloat32(84 + t * 50 + 12 + k * 4, true);
      return out;
    }
  }
  const text = new TextDecoder().decode(bytes);
  const values: number[] = [];
  for (const m of text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)) values.push(Number(m[1]), Number(m[2]), Number(m[3]));
  return Float32Array.from(values);
}

export function checkEdges(corners: Float32Array): EdgeCheck {
  const triangles = corners.length / 9;
  const ids = new Map<string, number>();
  const vertexId = (i: number) => {
    const key = `${corners[i]},${corners[i + 1]},${corners[i + 2]}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  };
  // Directed edge a->b counted per unordered pair: [uses a->b with a<b, uses b->a].
  const edges = new Map<string, [number, number]>();
  let degenerate = 0;
  let volume = 0;
  for (let t = 0; t < triangles; t++) {
    const v = [vertexId(t * 9), vertexId(t * 9 + 3), vertexId(t * 9 + 6)];
    if (v[0] === v[1] || v[1] === v[2] || v[0] === v[2]) degenerate++;
    for (let k = 0; k < 3; k++) {
      const a = v[k];
      const b = v[(k + 1) % 3];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let use = edges.get(key);
      if (!use) {
        use = [0, 0];
        edges.set(key, use);
      }
      use[a < b ? 0 : 1]++;
    }
    const o = t * 9;
    const [ax, ay, az, bx, by, bz, cx, cy, cz] = corners.subarray(o, o + 9);
    volume += (ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)) / 6;
  }
  let open = 0;
  let nonManifold = 0;
  let misoriented = 0;
  for (const [forward, backward] of edges.values()) {
    const uses = forward + backward;
    if (uses === 1) open++;
    else if (uses > 2) nonManifold++;
    else if (forward !== 1) misoriented++;
  }
  return {
    triangles,
    openEdges: open,
    nonManifoldEdges: nonManifold,
    misorientedEdges: misoriented,
    degenerateTriangles: degenerate,
    volumeMm3: volume,
    strict: triangles > 0 && open === 0 && nonManifold === 0 && misoriented === 0 && degenerate === 0 && volume > 0,
  };
}
