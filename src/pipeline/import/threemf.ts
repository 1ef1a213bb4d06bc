/**
 * 3MF reader: the root model part of the package (found through _rels/.rels, falling back to
 * 3D/3dmodel.model), its mesh objects, components and build items with their transforms,
 * converted from the model's unit to millimetres.
 *
 * What is printed (3MF Core spec 3.4.3 and chapter 4): every <item> of the <build>, each with
 * its transform, so an object referenced by three items is there three times; components
 * expanded with their own transforms; objects no item reaches are not output. Support objects
 * (type="support"/"solidsupport", which a consumer MAY ignore) and "other" objects (which items
 * MUST NOT reach) are skipped with a note. The type of an object made of components is ignored
 * (the spec: its meshes' types decide). The production extension's p:path on an item, or on a
 * component in the root model, names another model part of the package: it is read too, its
 * coordinates converted to the root model's unit; a p:path inside such a part is an error (the
 * spec says consumers MUST refuse it).
 *
 * Counts, measured on corpus trimesh_pyramids.3mf (7 objects, 9 items): we read 3276 triangles
 * in 12 shells with no non-manifold edge. corpus/MANIFEST.md says 3172 triangles, 27
 * non-manifold edges, 3 components: that is each object's mesh once, in its own coordinates,
 * merged (20 + 760 + 1108 + 1252 + 20 + 12), the build ignored: objects 1-4 are the same
 * pyramid at the origin (three with a label) and their shared edges weld into 27 edges of four
 * faces. The build places object 1 three times, 2, 3 and 4 once, and the two-part object 7
 * (pyramid 5 + box 6) three times: 60 + 760 + 1108 + 1252 + 3 x 32 = 3276, all apart. The
 * report's "before" counts describe that build (what a slicer would print), so 0 is right.
 *
 * Safety: part names (the relationship's target, p:path) must name a part inside the package
 * ("../x.model", "C:\\x.model", "file:///x" are refused: partName); the zip's declared sizes are checked against maxUncompressedBytes (for all model parts
 * together) before anything is inflated, and inflation stops at the declared size (zip.ts);
 * triangles are counted while scanning and again after expanding instances, before the output
 * is allocated; component references are followed to a fixed depth, so a cycle is an error, not
 * a hang.
 * Not handled: beam lattices, slices, other extensions' geometry.
 */
import type { Mesh } from '../mesh.ts';
import { IDENTITY, determinant, parseAffine, thenApply, type Affine } from './affine.ts';
import { GrowableFloat32, GrowableUint32 } from './growable.ts';
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';
import { scanXmlTags, xmlAttributes } from './xml-scan.ts';
import { listZipEntries, readZipEntry, type ZipEntry } from './zip.ts';

export interface ReadThreeMfOptions extends ImportLimits {
  /** Largest declared uncompressed size accepted for the model parts, together (zip-bomb guard). */
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
const PRODUCTION_NAMESPACE = 'http://schemas.microsoft.com/3dmanufacturing/production/2015/06';
/** Types whose meshes are not part of the solid: supports (a consumer MAY ignore them) and "other" (items MUST NOT reach it). */
const SKIPPED_TYPES = new Set(['support', 'solidsupport', 'other']);

interface ModelObject {
  type: string;
  vertexStart: number;
  vertexCount: number;
  triangleStart: number;
  triangleCount: number;
  components: Placement[];
}

interface Placement {
  objectId: string;
  /** Model part named by the production extension's p:path (lower case, no leading slash); undefined: the same part. */
  path?: string;
  transform: Affine;
}

export function readThreeMf(bytes: Uint8Array, options: Partial<ReadThreeMfOptions> = {}): ImportedMesh {
  const limits = { ...READ_THREEMF_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const entries = listZipEntries(bytes, OP);
  const byName = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  const budget = { bytes: limits.maxUncompressedBytes, triangles: 0 };
  const rootEntry = findRootModel(bytes, byName, limits);
  const root = parseModel(readPart(bytes, rootEntry, budget), limits, budget, undefined);
  const parts = new Map<string, ParsedModel>([[rootEntry.name.toLowerCase(), root]]);
  // Parts named by p:path (only the root model may name them), each read once.
  for (const ref of [...root.build, ...[...root.objects.values()].flatMap((object) => object.components)]) {
    if (ref.path === undefined || parts.has(ref.path)) continue;
    const entry = byName.get(ref.path);
    if (!entry) throw corrupt(OP, `p:path names the model part /${ref.path}, which is not in the package`);
    parts.set(ref.path, parseModel(readPart(bytes, entry, budget), limits, budget, root.unit));
  }
  return assemble(root, parts, rootEntry.name.toLowerCase(), limits);
}

function readPart(bytes: Uint8Array, entry: ZipEntry, budget: { bytes: number }): string {
  const text = new TextDecoder().decode(readZipEntry(bytes, entry, budget.bytes, OP));
  budget.bytes -= entry.uncompressedSize;
  return text;
}

function findRootModel(bytes: Uint8Array, byName: Map<string, ZipEntry>, limits: ReadThreeMfOptions): ZipEntry {
  let target = '3d/3dmodel.model';
  const rels = byName.get('_rels/.rels');
  if (rels) {
    const relsText = new TextDecoder().decode(readZipEntry(bytes, rels, Math.min(limits.maxUncompressedBytes, 1 << 20), OP));
    scanXmlTags(relsText, (tag) => {
      if (tag.name !== 'Relationship') return;
      const attributes = xmlAttributes(tag.attributes);
      if (attributes.get('Type')?.endsWith('/3dmodel')) target = partName(attributes.get('Target') ?? target, 'the package relationship');
    });
  }
  const entry = byName.get(target) ?? byName.get('3d/3dmodel.model');
  if (!entry) throw corrupt(OP, 'the package has no 3D model part (not a 3MF file?)');
  return entry;
}

/**
 * A part name as zip entries are keyed here: no leading slash, lower case (OPC names are
 * case-insensitive), "." segments dropped. A 3MF names its parts by paths inside the package (OPC,
 * ECMA-376 part 2, 6.2.2: no empty, "." or ".." segments), so a name that could resolve outside
 * the package root is refused, percent-encoded or not: a ".." segment, a backslash (Windows
 * separators), a drive letter or URI scheme ("C:", "file:"), a network path ("//host"), control
 * characters. Nothing here touches a file system, but the name reaches reports and any tool that
 * unpacks the package, so it is refused rather than looked up.
 */
function partName(path: string, where: string): string {
  const unsafe = () => corrupt(OP, `${where} names the part "${path.slice(0, 80)}": not a part name inside the package`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw unsafe();
  }
  if (/[\\\u0000-\u001f]/.test(decoded) || /^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith('//')) throw unsafe();
  const kept: string[] = [];
  const raw = path.replace(/^\//, '').split('/');
  const segments = decoded.replace(/^\//, '').split('/');
  if (raw.length !== segments.length) throw unsafe(); // an encoded "/" (%2F)
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === '..' || segments[i] === '') throw unsafe();
    if (segments[i] !== '.') kept.push(raw[i]);
  }
  return kept.join('/').toLowerCase();
}

interface ParsedModel {
  unit: string;
  positions: GrowableFloat32;
  triangles: GrowableUint32;
  objects: Map<string, ModelObject>;
  build: Placement[];
}

/**
 * Parses one model part. rootUnit is undefined for the root model; for a part reached through
 * p:path it is the root's unit, and the part's vertices and component translations are converted
 * to it (the build's transforms are in the root's unit), and a p:path in it is an error.
 */
function parseModel(text: string, limits: ImportLimits, budget: { triangles: number }, rootUnit: string | undefined): ParsedModel {
  const model: ParsedModel = {
    unit: 'millimeter',
    positions: new GrowableFloat32(),
    triangles: new GrowableUint32(),
    objects: new Map(),
    build: [],
  };
  const isRoot = rootUnit === undefined;
  let current: ModelObject | undefined;
  let inBuild = false;
  let sawModel = false;
  let pathAttribute = 'p:path';
  /** Root units per unit of this part (1 for the root model). */
  let toRoot = 1;

  scanXmlTags(text, (tag) => {
    if (tag.kind === 'close') {
      if (tag.name === 'object') current = undefined;
      else if (tag.name === 'build') inBuild = false;
      return;
    }
    switch (tag.name) {
      case 'model': {
        sawModel = true;
        const attributes = xmlAttributes(tag.attributes);
        model.unit = attributes.get('unit') ?? 'millimeter';
        for (const [name, value] of attributes) {
          if (name.startsWith('xmlns:') && value === PRODUCTION_NAMESPACE) pathAttribute = `${name.slice(6)}:path`;
        }
        if (!isRoot) {
          const here = MM_PER_UNIT[model.unit],
            there = MM_PER_UNIT[rootUnit];
          if (here === undefined) throw corrupt(OP, `unknown unit "${model.unit}"`);
          if (there !== undefined) toRoot = here / there;
        }
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
        const x = Number(attributes.get('x')) * toRoot,
          y = Number(attributes.get('y')) * toRoot,
          z = Number(attributes.get('z')) * toRoot;
        if (![x, y, z].every((v) => Number.isFinite(Math.fround(v))))
          throw corrupt(OP, `vertex ${current.vertexCount} is not three numbers within float32 range`);
        model.positions.push3(x, y, z);
        current.vertexCount++;
        break;
      }
      case 'triangle': {
        if (!current) break;
        const attributes = xmlAttributes(tag.attributes);
        const a = Number(attributes.get('v1')),
          b = Number(attributes.get('v2')),
          c = Number(attributes.get('v3'));
        for (const v of [a, b, c]) {
          if (!Number.isInteger(v) || v < 0 || v >= current.vertexCount)
            throw corrupt(OP, `triangle ${current.triangleCount} refers to a missing vertex`);
        }
        model.triangles.push3(a, b, c);
        current.triangleCount++;
        checkTriangleCount(budget.triangles + model.triangles.length / 3, limits, OP);
        break;
      }
      case 'component': {
        if (!current) break;
        const component = placement(xmlAttributes(tag.attributes), 'component', pathAttribute);
        if (component.path !== undefined && !isRoot)
          throw corrupt(OP, 'a component in a model part reached through p:path names another part (only the root model may)');
        if (toRoot !== 1) {
          const m = [...component.transform];
          for (let k = 9; k < 12; k++) m[k] *= toRoot;
          component.transform = m;
        }
        current.components.push(component);
        break;
      }
      case 'build': {
        inBuild = tag.kind === 'open';
        break;
      }
      case 'item': {
        // Only the root model's build is printed.
        if (inBuild && isRoot) model.build.push(placement(xmlAttributes(tag.attributes), 'item', pathAttribute));
        break;
      }
    }
  });
  if (!sawModel) throw corrupt(OP, 'the model part has no <model> element');
  budget.triangles += model.triangles.length / 3;
  return model;
}

function placement(attributes: Map<string, string>, element: string, pathAttribute: string): Placement {
  const objectId = attributes.get('objectid');
  if (!objectId) throw corrupt(OP, `a <${element}> has no objectid`);
  const text = attributes.get('transform');
  const transform = text === undefined ? IDENTITY : parseAffine(text);
  if (!transform) throw corrupt(OP, `a <${element}> has a transform that is not twelve numbers`);
  const path = attributes.get(pathAttribute);
  return { objectId, transform, path: path === undefined ? undefined : partName(path, `a <${element}>'s p:path`) };
}

/** Expands build items through components into one mesh in millimetres. */
function assemble(root: ParsedModel, parts: Map<string, ParsedModel>, rootName: string, limits: ImportLimits): ImportedMesh {
  const scale = MM_PER_UNIT[root.unit];
  if (scale === undefined) throw corrupt(OP, `unknown unit "${root.unit}"`);
  const notes: string[] = [];
  const skipped = new Set<string>();

  // First walk: count what the instances add up to, so limits are checked before allocating.
  let vertices = 0;
  let triangles = 0;
  walk(
    root,
    parts,
    rootName,
    (object) => {
      vertices += object.vertexCount;
      triangles += object.triangleCount;
      checkTriangleCount(triangles, limits, OP);
    },
    skipped,
  );
  for (const type of skipped) notes.push(`skipped objects of type "${type}"`);
  if (triangles === 0) throw empty(OP, 'the build has no triangles');

  const positions = new Float32Array(vertices * 3);
  const indices = new Uint32Array(triangles * 3);
  let vertexOffset = 0;
  let triangleOffset = 0;
  walk(
    root,
    parts,
    rootName,
    (object, m, model) => {
      for (let v = 0; v < object.vertexCount; v++) {
        const source = (object.vertexStart + v) * 3;
        const x = model.positions.get(source),
          y = model.positions.get(source + 1),
          z = model.positions.get(source + 2);
        const out = (vertexOffset + v) * 3;
        positions[out] = (x * m[0] + y * m[3] + z * m[6] + m[9]) * scale;
        positions[out + 1] = (x * m[1] + y * m[4] + z * m[7] + m[10]) * scale;
        positions[out + 2] = (x * m[2] + y * m[5] + z * m[8] + m[11]) * scale;
        // Nested transforms (1e38 scales, 1e308 * 1e308 * 0) can overflow float32 or make NaN.
        if (!Number.isFinite(positions[out]) || !Number.isFinite(positions[out + 1]) || !Number.isFinite(positions[out + 2])) {
          throw corrupt(OP, 'a build or component transform places a vertex outside float32 range');
        }
      }
      // A mirroring transform turns the surface inside out; swap two corners to keep CCW outside.
      const mirrored = determinant(m) < 0;
      for (let t = 0; t < object.triangleCount; t++) {
        const source = (object.triangleStart + t) * 3;
        const out = (triangleOffset + t) * 3;
        const a = model.triangles.get(source),
          b = model.triangles.get(source + 1),
          c = model.triangles.get(source + 2);
        indices[out] = vertexOffset + a;
        indices[out + 1] = vertexOffset + (mirrored ? c : b);
        indices[out + 2] = vertexOffset + (mirrored ? b : c);
      }
      vertexOffset += object.vertexCount;
      triangleOffset += object.triangleCount;
    },
    new Set(),
  );

  const mesh: Mesh = { positions, indices };
  return { mesh, unit: 'millimeter', notes };
}

/** Calls visit for every mesh object instance of the build, with its world transform and the part holding it. */
function walk(
  root: ParsedModel,
  parts: Map<string, ParsedModel>,
  rootName: string,
  visit: (object: ModelObject, transform: Affine, model: ParsedModel) => void,
  skipped: Set<string>,
): void {
  let placements = 0;
  const place = (from: ParsedModel, ref: Placement, transform: Affine, depth: number) => {
    if (++placements > MAX_PLACEMENTS) throw corrupt(OP, `the build places more than ${MAX_PLACEMENTS} objects`);
    if (depth > MAX_COMPONENT_DEPTH) throw corrupt(OP, `components nest deeper than ${MAX_COMPONENT_DEPTH} (a cycle?)`);
    const model = ref.path === undefined ? from : parts.get(ref.path)!;
    const object = model.objects.get(ref.objectId);
    if (!object) {
      const where = ref.path === undefined || ref.path === rootName ? '' : ` in /${ref.path}`;
      throw corrupt(OP, `object ${ref.objectId} is referenced but not defined${where}`);
    }
    // An object made of components has no type of its own: its meshes' types decide.
    if (object.components.length === 0 && SKIPPED_TYPES.has(object.type)) {
      skipped.add(object.type);
      return;
    }
    if (object.triangleCount > 0) visit(object, transform, model);
    for (const component of object.components) place(model, component, thenApply(component.transform, transform), depth + 1);
  };
  for (const item of root.build) place(root, item, item.transform, 0);
}
