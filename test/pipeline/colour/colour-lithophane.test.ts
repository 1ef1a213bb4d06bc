import type { ManifoldToplevel } from 'manifold-3d';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedManifold } from '../../../wasm/manifold.ts';
import { ciede2000 } from '../../../src/pipeline/colour/ciede2000.ts';
import type { CmyDecomposeOptions, CmyDecomposition } from '../../../src/pipeline/colour/cmy-decompose.ts';
import { filamentAttenuation, predictBacklit } from '../../../src/pipeline/colour/cmy-decompose.ts';
import { parseFilament } from '../../../src/pipeline/colour/filaments.ts';
import type { Filament } from '../../../src/pipeline/colour/filaments.ts';
import { luminance, srgbChannelToLinear, srgbToLab } from '../../../src/pipeline/colour/lab.ts';
import type { RgbPlanes } from '../../../src/pipeline/colour/swap-plan.ts';
import { writeThreeMfBodies } from '../../../src/pipeline/export/threemf-bodies.ts';
import { boundingBox, boxSize, signedVolume } from '../../../src/pipeline/mesh.ts';
import { buildColourLithophane } from '../../../src/pipeline/modes/colour-lithophane.ts';
import { countEdgeDefects, validateSolid } from '../../../src/pipeline/validate.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

const f = (id: string) => parseFilament(id) as Filament;
const OPTIONS: CmyDecomposeOptions = {
  colours: [f('cyan'), f('magenta'), f('yellow')],
  texture: f('white'),
  layerHeightMm: 0.1,
  maxLayers: 16,
  textureMinMm: 0.6,
  textureMaxMm: 2.4,
};

/** Hue round the x axis, dark to light down the y axis, plus a sharp-edged square. */
function picture(width: number, height: number): RgbPlanes {
  const n = width * height;
  const p: RgbPlanes = { width, height, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const hue = (x / width) * 6;
      const light = 0.15 + (0.85 * y) / (height - 1);
      const c = [Math.abs(hue - 3) - 1, 2 - Math.abs(hue - 2), 2 - Math.abs(hue - 4)].map((v) => Math.min(1, Math.max(0, v)));
      const square = x > width / 3 && x < width / 2 && y > height / 3 && y < height / 2;
      p.r[i] = square ? 0.9 : c[0] * light;
      p.g[i] = square ? 0.1 : c[1] * light;
      p.b[i] = square ? 0.1 : c[2] * light;
    }
  return p;
}

describe('colour lithophane (CMY + white bodies)', () => {
  const pitch = 0.4;
  const pic = picture(61, 41);
  const built = buildColourLithophane(pic, pitch, OPTIONS);

  it('makes one body per filament, each a manifold solid passing the strict edge-use check', () => {
    expect(built.bodies.map((b) => b.filament.id)).toEqual(['cyan', 'magenta', 'yellow', 'white']);
    for (const body of built.bodies) {
      expect(countEdgeDefects(body.mesh)).toEqual({ open: 0, overused: 0 });
      const check = validateSolid(body.mesh, wasm);
      expect(check.manifold).toBe(true);
      expect(check.genus).toBe(0);
      expect(check.volumeMm3).toBeGreaterThan(0);
    }
  });

  it('stacks the bodies without overlap: the union volume equals the sum within 0.5%', () => {
    const manifolds = built.bodies.map(
      (b) => new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: b.mesh.positions, triVerts: b.mesh.indices })),
    );
    const sum = manifolds.reduce((s, m) => s + m.volume(), 0);
    const union = wasm.Manifold.union(manifolds);
    expect(Math.abs(union.volume() - sum) / sum).toBeLessThan(0.005);
    // And the stack is one piece: the bodies touch face to face.
    expect(union.decompose().length).toBe(1);
    for (const m of [...manifolds, union]) m.delete();
  });

  it('has the asked size and each colour body is whole layers thick (1..maxLayers)', () => {
    const all = boxSize(boundingBox(built.bodies[3].mesh));
    expect(all[0]).toBeCloseTo(60 * pitch, 4);
    expect(all[1]).toBeCloseTo(40 * pitch, 4);
    const area = 60 * pitch * 40 * pitch;
    for (let k = 0; k < 3; k++) {
      const layers = built.decomposition.layers[k];
      expect(Math.min(...layers)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...layers)).toBeLessThanOrEqual(OPTIONS.maxLayers);
      const v = signedVolume(built.bodies[k].mesh);
      expect(v).toBeGreaterThanOrEqual(area * OPTIONS.layerHeightMm * 0.999);
      expect(v).toBeLessThanOrEqual(area * OPTIONS.layerHeightMm * OPTIONS.maxLayers * 1.001);
    }
    const total = Math.max(...built.thicknessMm);
    expect(total).toBeLessThanOrEqual(3 * OPTIONS.maxLayers * 0.1 + OPTIONS.textureMaxMm + 1e-4);
  });

  it('predicts backlit colours near the picture (mean CIEDE2000) and a red patch red', () => {
    const n = pic.width * pic.height;
    const lab = (r: number, g: number, b: number) => srgbToLab(r, g, b);
    const meanDeltaE = (predicted: RgbPlanes) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const [l1, a1, b1] = lab(pic.r[i], pic.g[i], pic.b[i]);
        const [l2, a2, b2] = lab(predicted.r[i], predicted.g[i], predicted.b[i]);
        sum += ciede2000(l1, a1, b1, l2, a2, b2);
      }
      return sum / n;
    };
    const fitted = meanDeltaE(built.predicted);
    // Naive baseline: the same stack with equal CMY (half the layers each), white from luminance alone.
    const kw = filamentAttenuation(OPTIONS.texture);
    const half = Math.round(OPTIONS.maxLayers / 2);
    const naive: CmyDecomposition = {
      width: pic.width,
      height: pic.height,
      layers: [0, 1, 2].map(() => new Uint8Array(n).fill(half)),
      textureMm: new Float32Array(n).map((_, i) => {
        const y = luminance([pic.r[i], pic.g[i], pic.b[i]].map(srgbChannelToLinear));
        const extra = -Math.log(Math.max(1e-4, y)) / kw[1];
        return OPTIONS.textureMinMm + Math.min(OPTIONS.textureMaxMm - OPTIONS.textureMinMm, extra);
      }),
    };
    const baseline = meanDeltaE(predictBacklit(naive, OPTIONS));
    expect(fitted).toBeLessThan(0.6 * baseline);
    // The red square comes out red: red well above green and blue.
    const i = Math.round(41 * 0.42) * 61 + Math.round(61 * 0.42);
    expect(built.predicted.r[i]).toBeGreaterThan(built.predicted.g[i] + 0.3);
    expect(fitted).toBeLessThan(15);
  });

  it('writes one 3MF with one object per filament, named and coloured, each on its own extruder', () => {
    const bytes = writeThreeMfBodies(built.bodies.map((b) => ({ name: b.filament.name, hex: b.filament.hex, mesh: b.mesh })));
    const files = unzipSync(bytes);
    const model = strFromU8(files['3D/3dmodel.model']);
    expect(model.match(/<object /g)).toHaveLength(4);
    expect(model.match(/<item /g)).toHaveLength(4);
    expect(model).toContain('<base name="Cyan PLA" displaycolor="#00A0D8FF"/>');
    expect(model).toContain('name="White PLA" pid="1" pindex="3"');
    const config = strFromU8(files['Metadata/Slic3r_PE_model.config']);
    expect(config).toContain('<metadata type="object" key="name" value="Magenta PLA"/>');
    expect(config.match(/key="extruder" value="4"/g)).toHaveLength(2);
  });
});
