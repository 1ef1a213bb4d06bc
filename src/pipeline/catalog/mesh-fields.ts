/**
 * Every parameter of a mesh job (repair or convert an uploaded 3D file), declared once; see
 * image-fields.ts. mesh-params.ts checks input against these.
 */
import { DEFAULT_BUILD_VOLUME_MM } from '../build-plate.ts';
import { choices } from './fields.ts';
import type { Fields } from './fields.ts';
import { OUTPUT_FIELDS } from './image-fields.ts';

export const MESH_MODES = ['repair', 'convert'] as const;
export const MESH_UNITS = ['mm', 'cm', 'm', 'in'] as const;
export const ORIENTATIONS = ['keep', 'flat-base'] as const;
export const UP_AXES = ['z', 'y'] as const;

export const MESH_FIELDS = {
  mode: { type: 'choice', label: 'Mode', default: 'repair', options: choices(MESH_MODES) },
  units: {
    type: 'choice',
    label: 'File units',
    options: choices(MESH_UNITS, { mm: 'Millimetres', cm: 'Centimetres', m: 'Metres', in: 'Inches' }),
    help: 'Leave out for what the file declares (3MF, our GLB), metres for other GLBs, mm otherwise.',
  },
  targetSizeMm: {
    type: 'number',
    label: 'Longest side',
    unit: 'mm',
    min: 0.1,
    max: 10_000,
    step: 1,
    slider: [1, 1000],
    help: 'Scale so the longest side is this long. Leave blank to keep the size.',
  },
  targetHeightMm: {
    type: 'number',
    label: 'Height',
    unit: 'mm',
    min: 0.1,
    max: 10_000,
    step: 1,
    help: 'Scale so the height is this long.',
  },
  upAxis: { type: 'choice', label: 'Up axis', options: choices(UP_AXES), help: 'Leave out for what the format declares.' },
  orient: {
    type: 'choice',
    label: 'Orientation',
    default: 'keep',
    options: choices(ORIENTATIONS, { keep: 'Keep as it is', 'flat-base': 'Lay it on its flattest side' }),
  },
  placeOnBed: { type: 'boolean', label: 'Place on the bed', help: 'Default: on for repair, off for convert.' },
  buildVolumeMm: { type: 'size3', label: 'Build volume', unit: 'mm', default: DEFAULT_BUILD_VOLUME_MM, max: 10_000 },
  minWallMm: { type: 'number', label: 'Thinnest printable wall', unit: 'mm', default: 0.4, min: 0, max: 50, step: 0.1, slider: [0, 5] },
  overhangDeg: { type: 'number', label: 'Steepest overhang', unit: '°', default: 45, min: 1, max: 89, step: 1 },
  fillHoles: { type: 'boolean', label: 'Fill holes', default: true },
  resolveSelfIntersections: {
    type: 'boolean',
    label: 'Rebuild self-crossing surfaces',
    default: true,
    help: 'A surface that passes through itself is remeshed; detail under about 1% of the size is lost.',
  },
  fillInnerShells: { type: 'boolean', label: 'Fill sealed inner voids', default: false },
  minPartFraction: { type: 'number', label: 'Smallest kept part', default: 0.01, min: 0, max: 1, step: 0.01 },
  weldTolerance: { type: 'number', label: 'Weld tolerance', default: 1e-3, min: 0, max: 0.05, step: 0.001 },
  ...OUTPUT_FIELDS,
} as const satisfies Fields;
