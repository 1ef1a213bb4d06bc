/**
 * The modes a user can choose, each with its presets (a lithophane's shapes, an extrusion's
 * keychain or cookie cutter) and the fields each preset offers, over the declared fields of
 * image-fields.ts and mesh-fields.ts. GET /api/v1/modes serves this object as it is, and the web
 * app builds its create page from it, so a default, a limit or a label is written once, here.
 */
import { FILAMENT_LIBRARY } from '../colour/filaments.ts';
import type { Filament } from '../colour/filaments.ts';
import { COOKIE_CUTTER_DEFAULTS } from '../extrude/cookie-cutter.ts';
import { KEYCHAIN_DEFAULTS, KEYCHAIN_DIRECTIONS } from '../extrude/keychain.ts';
import { EXTRUDE_DEFAULTS } from '../extrude/options.ts';
import { WHITE_PLA_ATTENUATION_PER_MM } from '../modes/material.ts';
import { STAND_DEFAULTS } from '../modes/stand.ts';
import type { Fields } from './fields.ts';
import {
  COLOUR_LITHOPHANE_FILAMENTS,
  COLOUR_LITHOPHANE_RESOLUTION_MM,
  COLOUR_RELIEF_BASE_MM,
  COLOUR_RELIEF_HEIGHT_MM,
  IMAGE_FIELDS,
  KEYCHAIN_BASE_PLATE_MM,
  LAMP_SHADE_DIAMETER_MM,
} from './image-fields.ts';
import { MESH_FIELDS } from './mesh-fields.ts';
import { TEXT_SOLID_DEFAULTS } from '../text/text-solid.ts';
import { TEXT_FIELDS } from './text-fields.ts';

export interface ModePreset {
  id: string;
  title: string;
  blurb: string;
  /** Parameters the preset implies (not shown). */
  fixed: Record<string, unknown>;
  /** Starting values the preset sets over the fields' defaults (the user may change them). */
  defaults: Record<string, unknown>;
  /** The fields a form shows for this preset, in order. */
  fields: string[];
}

export interface ModeEntry {
  mode: string;
  title: string;
  /** What the job reads: a picture, a 3D file, or typed text (with an optional font upload). */
  input: 'image' | 'mesh' | 'text';
  /** Which field set (`fields.image`, `fields.mesh` or `fields.text`) the presets draw from. */
  fieldSet: 'image' | 'mesh' | 'text';
  presets: ModePreset[];
}

export interface ModeCatalog {
  modes: ModeEntry[];
  fields: { image: Fields; mesh: Fields; text: Fields };
  /** The colour modes' filament library (colour, transmission distance), for palette pickers and previews. */
  filaments: Filament[];
  /** Fixed geometry the pipeline adds around a picture, for previews that must match the result. */
  geometry: {
    /** How far an extrusion's base plate reaches beyond the logo, mm. */
    basePlateMarginMm: number;
    /** Material around a keychain's hole, mm. */
    keychainRingWidthMm: number;
    /** Unit direction of each keychain position, y up. */
    keychainDirections: Record<string, [number, number]>;
    /** A flat lithophane's stand: foot height and depth, how far the plate sinks in, mm. */
    stand: { footHeightMm: number; footDepthMm: number; embedMm: number };
    /** A cookie cutter's flange beyond the wall and its height, mm. */
    cutterFlangeMm: number;
    cutterFlangeHeightMm: number;
    /** Light lost per mm of lithophane (Beer-Lambert, white PLA), for a backlit view. */
    lithophaneAttenuationPerMm: number;
  };
}

const TONE = ['invert', 'autoLevel', 'gamma'];

/**
 * Print-first starting values of the shaped lithophanes: a heart's 3 mm rim holds its point; a
 * dome 100 mm across a 120° cap is ~87 mm wide and 25 mm high; a 100 mm globe with a 4 mm band at
 * the opening fits the default 220 × 220 × 250 mm build volume and a tea light; a 60 mm night-light box (68 mm
 * with its posts) stands over a tea light.
 */
const SHAPE_DEFAULTS = {
  heartRimMm: 3,
  domeWidthMm: 100,
  domeDegrees: 120,
  domeRimMm: 3,
  globeDiameterMm: 100,
  globeBandMm: 4,
  nightLightWidthMm: 60,
  nightLightFrameMm: 2,
} as const;
const LITHOPHANE = ['minThicknessMm', 'maxThicknessMm', 'filament'];
/** The subject-outline cut; backgroundColour is set through the API and CLI (the form has no colour control yet). */
const OUTLINE = ['outline', 'backgroundTolerance'];

export const MODE_CATALOG: ModeCatalog = {
  modes: [
    {
      mode: 'lithophane',
      title: 'Lithophane',
      input: 'image',
      fieldSet: 'image',
      presets: [
        {
          id: 'lithophane-flat',
          title: 'Flat lithophane',
          blurb: 'A thin plate that shows the photo when lit from behind.',
          fixed: { shape: 'flat' },
          defaults: {},
          fields: ['widthMm', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', 'stand', ...TONE, ...OUTLINE],
        },
        {
          id: 'lithophane-arc',
          title: 'Arc lithophane',
          blurb: 'The photo curved round part of a cylinder; stands by itself.',
          fixed: { shape: 'arc' },
          defaults: {},
          fields: ['widthMm', 'arcDegrees', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', 'stand', ...TONE],
        },
        {
          id: 'lithophane-cylinder',
          title: 'Cylinder lithophane',
          blurb: 'A lamp shade: the photo all the way round, sized by its diameter.',
          fixed: { shape: 'cylinder' },
          defaults: { diameterMm: LAMP_SHADE_DIAMETER_MM },
          fields: ['diameterMm', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', ...TONE],
        },
        {
          id: 'lithophane-heart',
          title: 'Heart lithophane',
          blurb: 'The photo cut to a heart with a solid rim; lies flat to print.',
          fixed: { shape: 'heart' },
          defaults: { frameMm: SHAPE_DEFAULTS.heartRimMm },
          fields: ['widthMm', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', ...TONE],
        },
        {
          id: 'lithophane-dome',
          title: 'Dome lithophane',
          blurb: 'The photo on a spherical cap standing on a flat rim; best with a square photo.',
          fixed: { shape: 'dome' },
          defaults: { widthMm: SHAPE_DEFAULTS.domeWidthMm, arcDegrees: SHAPE_DEFAULTS.domeDegrees, frameMm: SHAPE_DEFAULTS.domeRimMm },
          fields: ['widthMm', 'arcDegrees', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', ...TONE],
        },
        {
          id: 'lithophane-globe',
          title: 'Globe lithophane',
          blurb: 'An equirectangular (360°) photo round a sphere, open at the bottom for a light.',
          fixed: { shape: 'globe' },
          defaults: { diameterMm: SHAPE_DEFAULTS.globeDiameterMm, frameMm: SHAPE_DEFAULTS.globeBandMm },
          fields: ['diameterMm', 'openingMm', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', ...TONE],
        },
        {
          id: 'lithophane-nightlight',
          title: 'Night-light box',
          blurb: 'The photo on four walls of a box with a lid, open at the bottom to stand over a tea light.',
          fixed: { shape: 'nightlight' },
          defaults: { widthMm: SHAPE_DEFAULTS.nightLightWidthMm, frameMm: SHAPE_DEFAULTS.nightLightFrameMm },
          fields: ['widthMm', ...LITHOPHANE, 'frameMm', 'frameThicknessMm', ...TONE],
        },
      ],
    },
    {
      mode: 'relief',
      title: 'Relief',
      input: 'image',
      fieldSet: 'image',
      presets: [
        {
          id: 'relief',
          title: 'Relief',
          blurb: 'Brightness becomes height on a flat base.',
          fixed: {},
          defaults: {},
          fields: ['widthMm', 'baseMm', 'minHeightMm', 'maxHeightMm', ...TONE, ...OUTLINE],
        },
      ],
    },
    {
      mode: 'colour-relief',
      title: 'Colour relief',
      input: 'image',
      fieldSet: 'image',
      presets: [
        {
          id: 'colour-relief',
          title: 'Colour relief (filament swaps)',
          blurb: 'A thin relief printed with one nozzle, swapping filament at planned layers to show the photo in colour.',
          fixed: {},
          defaults: { baseMm: COLOUR_RELIEF_BASE_MM, maxHeightMm: COLOUR_RELIEF_HEIGHT_MM, formats: ['stl', '3mf'] },
          fields: ['widthMm', 'filaments', 'layerHeightMm', 'baseMm', 'maxHeightMm', 'swapMethod'],
        },
      ],
    },
    {
      mode: 'colour-lithophane',
      title: 'Colour lithophane',
      input: 'image',
      fieldSet: 'image',
      presets: [
        {
          id: 'colour-lithophane',
          title: 'Colour lithophane (multi-material)',
          blurb:
            'Cyan, magenta and yellow layers under a white lithophane, one body per filament in one 3MF, for a printer with several filaments.',
          fixed: {},
          defaults: { filaments: [...COLOUR_LITHOPHANE_FILAMENTS], resolutionMm: COLOUR_LITHOPHANE_RESOLUTION_MM, formats: ['3mf'] },
          fields: ['widthMm', 'filaments', 'layerHeightMm', ...LITHOPHANE.filter((f) => f !== 'filament')],
        },
      ],
    },
    {
      mode: 'extrude',
      title: 'Logo extrusion',
      input: 'image',
      fieldSet: 'image',
      presets: [
        {
          id: 'extrude',
          title: 'Logo extrusion',
          blurb: 'Dark shapes on a light background, raised into a solid.',
          fixed: { keychain: false, cookieCutter: false },
          defaults: {},
          fields: ['widthMm', 'extrudeHeightMm', 'basePlateMm', 'threshold', 'invert', 'thickenToNozzle'],
        },
        {
          id: 'keychain',
          title: 'Keychain',
          blurb: 'A logo extrusion with a ring for a key ring, in one piece.',
          fixed: { keychain: true, cookieCutter: false },
          // One piece by default: a plate joins letters that do not touch (resolveImageParams does the same).
          defaults: { basePlateMm: KEYCHAIN_BASE_PLATE_MM, thickenToNozzle: true },
          fields: [
            'widthMm',
            'extrudeHeightMm',
            'basePlateMm',
            'threshold',
            'keychainHoleMm',
            'keychainPosition',
            'invert',
            'thickenToNozzle',
          ],
        },
        {
          id: 'cookie-cutter',
          title: 'Cookie cutter',
          blurb: 'A thin wall following the outline of the shape.',
          fixed: { cookieCutter: true, keychain: false },
          defaults: { thickenToNozzle: true },
          fields: ['widthMm', 'threshold', 'cutterWallMm', 'cutterHeightMm', 'invert', 'thickenToNozzle'],
        },
      ],
    },
    {
      mode: 'text',
      title: 'Text',
      input: 'text',
      fieldSet: 'text',
      presets: [
        {
          id: 'text-nameplate',
          title: 'Nameplate',
          blurb: 'Raised letters on a plate with a border; type a name.',
          fixed: { textStyle: 'nameplate' },
          defaults: { widthMm: TEXT_SOLID_DEFAULTS.widthMm },
          fields: ['widthMm', 'textHeightMm', 'plateMm', 'marginMm', 'borderMm'],
        },
        {
          id: 'text-sign',
          title: 'Sign',
          blurb: 'A nameplate with a screw hole at each end.',
          fixed: { textStyle: 'sign' },
          defaults: { widthMm: TEXT_SOLID_DEFAULTS.widthMm },
          fields: ['widthMm', 'textHeightMm', 'plateMm', 'marginMm', 'borderMm', 'holeMm'],
        },
        {
          id: 'text-keychain',
          title: 'Text keychain',
          blurb: 'The letters on a plate that follows their outline, with a ring.',
          fixed: { textStyle: 'keychain' },
          defaults: { widthMm: 50, keychainPosition: TEXT_SOLID_DEFAULTS.keychainPosition },
          fields: ['widthMm', 'textHeightMm', 'plateMm', 'marginMm', 'holeMm', 'keychainPosition'],
        },
      ],
    },
    {
      mode: 'repair',
      title: 'Repair',
      input: 'mesh',
      fieldSet: 'mesh',
      presets: [
        {
          id: 'repair',
          title: 'Repair a 3D file',
          blurb: 'Close holes, fix flipped faces, check it prints.',
          fixed: {},
          defaults: {},
          fields: ['units', 'targetSizeMm', 'orient', 'minWallMm', 'fillHoles', 'resolveSelfIntersections'],
        },
      ],
    },
    {
      mode: 'convert',
      title: 'Convert',
      input: 'mesh',
      fieldSet: 'mesh',
      presets: [
        {
          id: 'convert',
          title: 'Convert a 3D file',
          blurb: 'Another format, in millimetres, checked.',
          fixed: {},
          defaults: {},
          fields: ['units', 'targetSizeMm'],
        },
      ],
    },
  ],
  fields: { image: IMAGE_FIELDS, mesh: MESH_FIELDS, text: TEXT_FIELDS },
  filaments: [...FILAMENT_LIBRARY],
  geometry: {
    basePlateMarginMm: EXTRUDE_DEFAULTS.basePlateMarginMm,
    keychainRingWidthMm: KEYCHAIN_DEFAULTS.ringWidthMm,
    keychainDirections: KEYCHAIN_DIRECTIONS,
    stand: { ...STAND_DEFAULTS },
    cutterFlangeMm: COOKIE_CUTTER_DEFAULTS.flangeMm,
    cutterFlangeHeightMm: COOKIE_CUTTER_DEFAULTS.flangeHeightMm,
    lithophaneAttenuationPerMm: WHITE_PLA_ATTENUATION_PER_MM,
  },
};
