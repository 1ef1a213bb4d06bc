/**
 * An orbiting orthographic camera for previews. Z is up; azimuth 0 puts the eye in front (-Y side)
 * looking towards +Y; negative azimuth swings the eye towards +X (clockwise seen from above), so
 * the default -40 is the classic product 3/4 view showing the front and the right (+X) side. Elevation lifts the eye above the bed. Orthographic
 * because a product thumbnail should not distort proportions, and the fit to the frame is exact.
 */
export type Vec3 = [number, number, number];

export interface OrbitCamera {
  /** The point looked at (bounding-box centre). */
  target: Vec3;
  /** Unit vectors: screen right, screen up, and the viewing direction (away from the eye). */
  right: Vec3;
  up: Vec3;
  forward: Vec3;
}

export interface FrameFit {
  /** Pixels per millimetre. */
  scale: number;
  /** View-plane coordinates (mm) that land on the frame centre. */
  centerX: number;
  centerY: number;
  width: number;
  height: number;
}

const DEG = Math.PI / 180;

export function orbitCamera(target: Vec3, azimuthDeg: number, elevationDeg: number): OrbitCamera {
  const az = azimuthDeg * DEG;
  // Clamp just short of straight down so "right" stays defined.
  const el = Math.max(-89.5, Math.min(89.5, elevationDeg)) * DEG;
  // Direction from the target to the eye: start at the front (-Y), rotate about Z by -azimuth, lift by elevation.
  const eye: Vec3 = [-Math.cos(el) * Math.sin(az), -Math.cos(el) * Math.cos(az), Math.sin(el)];
  const forward: Vec3 = [-eye[0], -eye[1], -eye[2]];
  // right = forward x Z, normalised (forward is never vertical thanks to the clamp).
  const rl = Math.hypot(forward[1], forward[0]);
  const right: Vec3 = [forward[1] / rl, -forward[0] / rl, 0];
  // up = right x forward
  const up: Vec3 = [
    right[1] * forward[2] - right[2] * forward[1],
    right[2] * forward[0] - right[0] * forward[2],
    right[0] * forward[1] - right[1] * forward[0],
  ];
  return { target, right, up, forward };
}

/**
 * View coordinates per vertex: x (mm along right), y (mm along up), depth (mm along forward;
 * larger is farther). One Float32Array, three numbers per vertex, same order as the mesh.
 */
export function projectToView(positions: Float32Array, cam: OrbitCamera): Float32Array {
  const out = new Float32Array(positions.length);
  const [tx, ty, tz] = cam.target;
  const [rx, ry, rz] = cam.right;
  const [ux, uy, uz] = cam.up;
  const [fx, fy, fz] = cam.forward;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i] - tx,
      y = positions[i + 1] - ty,
      z = positions[i + 2] - tz;
    out[i] = x * rx + y * ry + z * rz;
    out[i + 1] = x * ux + y * uy + z * uz;
    out[i + 2] = x * fx + y * fy + z * fz;
  }
  return out;
}

/**
 * Scale and centre so every vertex a triangle uses (`used[v] === 1`) fits the frame with `margin`
 * (a fraction of each side) to spare. Non-finite vertices are ignored. Undefined for no vertices.
 */
export function fitToFrame(view: Float32Array, used: Uint8Array, width: number, height: number, margin: number): FrameFit | undefined {
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0; i < used.length; i++) {
    if (used[i] === 0) continue;
    const x = view[i * 3],
      y = view[i * 3 + 1];
    // Comparisons with NaN/undefined are false, so corrupt vertices drop out here.
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!(maxX >= minX) || !(maxY >= minY) || !Number.isFinite(maxX - minX) || !Number.isFinite(maxY - minY)) return undefined;
  const usableW = width * (1 - 2 * margin);
  const usableH = height * (1 - 2 * margin);
  const spanX = maxX - minX,
    spanY = maxY - minY;
  const scale = Math.min(spanX > 0 ? usableW / spanX : Infinity, spanY > 0 ? usableH / spanY : Infinity);
  return { scale: Number.isFinite(scale) ? scale : 1, centerX: (minX + maxX) / 2, centerY: (minY + maxY) / 2, width, height };
}

/** Rewrites view coordinates in place into pixel coordinates (x right, y down), keeping depth. */
export function viewToScreen(view: Float32Array, fit: FrameFit): void {
  const { scale, centerX, centerY } = fit;
  const hw = fit.width / 2,
    hh = fit.height / 2;
  for (let i = 0; i < view.length; i += 3) {
    view[i] = hw + (view[i] - centerX) * scale;
    view[i + 1] = hh - (view[i + 1] - centerY) * scale;
  }
}
