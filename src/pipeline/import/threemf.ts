/**
 * 3MF reader: the root model part of the package (found through _rels/.rels, falling back to
 * 3D/3dmodel.model), its mesh objects, components and build items with their transforms,
 * converted from the model's unit to millimetres.
 *
 * Safety: the zip's declared sizes are checked against maxUncompressedBytes before anything is
 * inflated, and inflation stops at the declared size (zip.ts); triangles are counted while
 * scanning and again after expanding instances, before the output is allocated; component
 * references are followed to a fixed depth, so a cycle is an error, not a hang.
 * Not handled: the production extension's external model parts (p:path), beam lattices, slices.
 * Support objects (type="support"/"solidsupport") are skipped: they are not part of the solid.
 */
import type { Mesh } from '../mesh.ts';
import { IDENTITY, determinant, parseAffine, thenApply, type Affine } from './affine.ts';
import { GrowableFloat32, GrowableUint32 } from './growable.ts';
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';
import { scanXmlTags, xmlAttributes } from './xml-scan.ts';
import { listZipEntries, readZipEntry, type ZipEntry } from './zip.ts';

export interface ReadThreeMfOptions extends ImportLimits {
  /** Largest declared uncompressed size accepted for the model part (zip-bomb guard). */
  maxUncompressedBytes: number;
}

export const READ_THREEMF_DEFAULTS: Readonly<ReadThreeMfOptions> = {
  ...IMPORT_LIMITS_DEFAULTS,
  maxUncompressedBytes: 384 * 1024 * 1024,
};

const OP = 'readThreeMf';
const MAX_COMPONENT_DEPTH = 16;
/** Components can fan out at every level; cap the walk so empty objects cannot make it endless. */
const MAX_PLACEMENTS = 100_000;
const MM_PER_UNIT: Record<string, number> = {
  micron: 0.001,
  millimeter: 1,
  centimeter: 10,
  inch: 25.4,
  foot: 304.8,
  meter: 1000,
};

interface ModelObject {
  type: string;
  vertexStart: number;
  vertexCount: number;
  triangleStart: number;
  triangleCount: number;
  components: { objectId: string; transform: Affine }[];
}

interface Placement {
  objectId: string;
  transform: Affine;
}

export function readThreeMf(bytes: Uint8Array, options: Partial<ReadThreeMfOptions> = {}): ImportedMesh {
  const limits = { ...READ_THREEMF_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const entries = listZipEntries(bytes, OP);
  const modelEntry = findRootModel(bytes, entries, limits);
  const text = new TextDecoder().decode(readZipEntry(bytes, modelEntry, limits.maxUncompressedBytes, OP));
  const model = parseModel(text, limits);
  return assemble(model, limits);
}

function findRootModel(bytes: Uint8Array, entries: ZipEntry[], limits: ReadThreeMfOptions): ZipEntry {
  const byName = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  let target = '3d/3dmodel.model';
  const rels = byName.get('_rels/.rels');
  if (rels) {
    const relsText = new TextDecoder().decode(readZipEntry(bytes, rels, Math.min(limits.maxUncompressedBytes, 1 << 20), OP));
    scanXmlTags(relsText, (tag) => {
      if (tag.name !== 'Relationship') return;
      const attributes = xmlAttributes(tag.attributes);
      if (attributes.get('Type')?.endsWith('/3dmodel')) target = (attributes.get('Target') ?? target).replace(/^\//, '').toLowerCase();
    });
  }
  const entry = byName.get(target) ?? byName.get('3d/3dmodel.model');
  if (!entry) throw corrupt(OP, 'the package has no 3D model part (not a 3MF file?)');
  return entry;
}

interface ParsedModel {
  unit: string;
  positions: GrowableFloat32;
  triangles: GrowableUint32;
  objects: Map<string, ModelObject>;
  build: Placement[];
}

function parseModel(text: string, limits: ImportLimits): ParsedModel {
  const model: ParsedModel = {
    unit: 'millimeter',
    positions: new GrowableFloat32(),
    triangles: new GrowableUint32(),
    objects: new Map(),
    build: [],
  };
  let current: ModelObject | undefined;
  let inBuild = false;
  let sawModel = false;

  scanXmlTags(text, (tag) => {
    if (tag.kind === 'close') {
      if (tag.name === 'object') current = undefined;
      else if (tag.name === 'build') inBuild = false;
      return;
    }
    switch (tag.name) {
      case 'model': {
        sawModel = true;
        model.unit = xmlAttributes(tag.attributes).get('unit') ?? 'millimeter';
        break;
      }
      case 'object': {
        const attributes = xmlAttributes(tag.attributes);
        const id = attributes.get('id');
        if (!id) throw corrupt(OP, 'an <object> has no id');
        current = {
          type: attributes.get('type') ?? 'model',
          vertexStart: model.positions.length / 3,
          vertexCount: 0,
          triangleStart: model.triangles.length / 3,
          triangleCount: 0,
          components: [],
        };
        model.objects.set(id, current);
        if (tag.kind === 'empty') current = undefined;
        break;
      }
      case 'vertex': {
        if (!current) break;
        const attributes = xmlAttributes(tag.attributes);
        const x = Number(attributes.get('x')), y = Number(attributes.get('y')), z = Number(attributes.get('z'));
        if (![x, y, z].every((v) => Number.isFinite(Math.fround(v)))) throw corrupt(OP, `vertex ${current.vertexCount} is not three numbers within float32 range`);
        model.positions.push3(x, y, z);
        current.vertexCount++;
        break;
      }
      case 'triangle': {
        if (!current) break;
        const attributes = xmlAttributes(tag.attributes);
        const a = Number(attributes.get('v1')), b = Number(attributes.get('v2')), c = Number(attributes.get('v3'));
        for (const v of [a, b, c]) {
          if (!Number.isInteger(v) || v < 0 || v >= current.vertexCount) throw corrupt(OP, `triangle ${current.triangleCount} refers to a missing vertex`);
        }
        model.triangles.push3(a, b, c);
        current.triangleCount++;
        checkTriangleCount(model.triangles.length / 3, limits, OP);
        break;
      }
      case 'component': {
        if (!current) break;
        current.components.push(placement(xmlAttributes(tag.attributes), 'component'));
        break;
      }
      case 'build': {
        inBuild = tag.kind === 'open';
        break;
      }
      case 'item': {
        if (inBuild) model.build.push(placement(xmlAttributes(tag.attributes), 'item'));
        break;
      }
    }
  });
  if (!sawModel) throw corrupt(OP, 'the model part has no <model> element');
  return model;
}

function placement(attributes: Map<string, string>, element: string): Placement {
  const objectId = attributes.get('objectid');
  if (!objectId) throw corrupt(OP, `a <${element}> has no objectid`);
  const text = attributes.get('transform');
  const transform = text === undefined ? IDENTITY : parseAffine(text);
  if (!transform) throw corrupt(OP, `a <${element}> has a transform that is not twelve numbers`);
  return { objectId, transform };
}

/** Expands build items through components into one mesh in millimetres. */
function assemble(model: ParsedModel, limits: ImportLimits): ImportedMesh {
  const scale = MM_PER_UNIT[model.unit];
  if (scale === undefined) throw corrupt(OP, `unknown unit "${model.unit}"`);
  const notes: string[] = [];
  const skipped = new Set<string>();

  // First walk: count what the instances add up to, so limits are checked before allocating.
  let vertices = 0;
  let triangles = 0;
  walk(model, (object) => {
    vertices += object.vertexCount;
    triangles += object.triangleCount;
    checkTriangleCount(triangles, limits, OP);
  }, skipped);
  for (const type of skipped) notes.push(`skipped objects of type "${type}"`);
  if (triangles === 0) throw empty(OP, 'the build has no triangles');

  const positions = new Float32Array(vertices * 3);
  const indices = new Uint32Array(triangles * 3);
  let vertexOffset = 0;
  let triangleOffset = 0;
  walk(model, (object, m) => {
    for (let v = 0; v < object.vertexCount; v++) {
      const source = (object.vertexStart + v) * 3;
      const x = model.positions.get(source), y = model.positions.get(source + 1), z = model.positions.get(source + 2);
      const out = (vertexOffset + v) * 3;
      positions[out] = (x * m[0] + y * m[3] + z * m[6] + m[9]) * scale;
      positions[out + 1] = (x * m[1] + y * m[4] + z * m[7] + m[10]) * scale;
      positions[out + 2] = (x * m[2] + y * m[5] + z * m[8] + m[11]) * scale;
      // Nested transforms (1e38 scales, 1e308 * 1e308 * 0) can overflow float32 or make NaN.
      if (!Number.isFinite(positions[out]) || !Number.isFinite(positions[out + 1]) || !Number.isFinite(positions[out + 2])) {
        throw corrupt(OP, "a build or component transform places a vertex outside float32 range");
      }
    }
    // A mirroring transform turns the surface inside out; swap two corners to keep CCW outside.
    const mirrored = determinant(m) < 0;
    for (let t = 0; t < object.triangleCount; t++) {
      const source = (object.triangleStart + t) * 3;
      const out = (triangleOffset + t) * 3;
      const a = model.triangles.get(source), b = model.triangles.get(source + 1), c = model.triangles.get(source + 2);
      indices[out] = vertexOffset + a;
      indices[out + 1] = vertexOffset + (mirrored ? c : b);
      indices[out + 2] = vertexOffset + (mirrored ? b : c);
    }
    vertexOffset += object.vertexCount;
    triangleOffset += object.triangleCount;
  }, new Set());

  const mesh: Mesh = { positions, indices };
  return { mesh, unit: 'millimeter', notes };
}

/** Calls visit for every mesh object instance of the build, with its world transform. */
function walk(model: ParsedModel, visit: (object: ModelObject, transform: Affine) => void, skipped: Set<string>): void {
  let placements = 0;
  const place = (objectId: string, transform: Affine, depth: number) => {
    if (++placements > MAX_PLACEMENTS) throw corrupt(OP, `the build places more than ${MAX_PLACEMENTS} objects`);
    if (depth > MAX_COMPONENT_DEPTH) throw corrupt(OP, `components nest deeper than ${MAX_COMPONENT_DEPTH} (a cycle?)`);
    const object = model.objects.get(objectId);
    if (!object) throw corrupt(OP, `object ${objectId} is referenced but not defined`);
    if (object.type === 'support' || object.type === 'solidsupport') {
      skipped.add(object.type);
      return;
    }
    if (object.triangleCount > 0) visit(object, transform);
    for (const component of object.components) place(component.objectId, thenApply(component.transform, transform), depth + 1);
  };
  for (const item of model.build) place(item.objectId, item.transform, 0);
}
