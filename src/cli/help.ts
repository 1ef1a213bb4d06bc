/**
 * The `--help` text. Every default it shows is read from the field catalogue
 * (pipeline/catalog/*-fields.ts), where each is declared once, so the help cannot drift from what
 * a job really does; a numeric field without its own line here is still listed under "More
 * options", so a field added to the catalogue shows up without touching this file.
 */
import type { Field } from '../pipeline/catalog/fields.ts';
import { IMAGE_FIELDS, LAMP_SHADE_DIAMETER_MM } from '../pipeline/catalog/image-fields.ts';
import { MESH_FIELDS } from '../pipeline/catalog/mesh-fields.ts';
import { FRAME_TEXT } from '../pipeline/modes/frame-text.ts';
import { TEXT_FIELDS } from '../pipeline/catalog/text-fields.ts';

const FIELDS: Record<string, Field> = { ...TEXT_FIELDS, ...MESH_FIELDS, ...IMAGE_FIELDS };
const COLUMN = 24;

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The catalogue's default of a field as the command line spells it, or undefined when it has none. */
export function defaultText(name: string): string | undefined {
  const field = FIELDS[name];
  if (!field || field.default === undefined || field.type === 'boolean') return undefined;
  if (field.type === 'size3' || field.type === 'list') return field.default.join(field.type === 'size3' ? 'x' : ',');
  return String(field.default);
}

const listed = new Set<string>();

/** One flag line: `--name ARG  what it does (default D)`, the default from the catalogue. */
function flag(name: string, what: string, arg = 'N', fallback?: string): string {
  listed.add(name);
  const field = FIELDS[name];
  const value = field?.type === 'boolean' ? '' : ` ${arg}`;
  const head = `  --${kebab(name)}${value}`;
  const shown = defaultText(name) ?? fallback;
  const text = shown === undefined ? what : `${what} (default ${shown})`;
  return head.length >= COLUMN ? `${head}\n${' '.repeat(COLUMN)}${text}` : `${head.padEnd(COLUMN)}${text}`;
}

function choicesOf(name: string): string {
  const field = FIELDS[name];
  return field?.type === 'choice' ? field.options.map((o) => o.value).join('|') : 'X';
}

function moreOptions(): string {
  const rest = Object.entries(IMAGE_FIELDS)
    .filter(([name, field]) => (field.type === 'number' || field.type === 'text') && !listed.has(name))
    .map(([name, field]) => flag(name, field.label.toLowerCase() + ('unit' in field && field.unit ? `, ${field.unit}` : '')));
  return rest.length === 0 ? '' : `\nMore options\n${rest.join('\n')}\n`;
}

function buildHelp(): string {
  const body = `image-to-stl: photos and logos to printable solids, offline.

Usage
  image-to-stl <image> -o <out.stl|out.3mf|out.glb|out.obj> [-o more...] [options]
  image-to-stl <model.stl|.obj|.ply|.glb|.3mf> -o <out> [--mode repair|convert] [options]

Modes
  --mode lithophane     thickness follows brightness, for a light behind it (default)
  --mode relief         height follows brightness on a flat base
  --mode extrude        a logo or text picture extruded (keychains, cookie cutters, signs)
  --mode colour-relief  a thin relief in colour on one nozzle: filament swaps at planned layers
  --mode colour-lithophane  multi-material: cyan, magenta, yellow layers under a white lithophane,
                        one body per filament in one 3MF (--filaments colours...,texture; default
                        cyan,magenta,yellow,white; --colour-preview shows it lit from behind)

Size and quality
${flag('widthMm', 'width of the print; arc/cylinder: unrolled width')}
${flag('heightMm', 'picture height instead; width follows the aspect ratio')}
${flag('resolutionMm', 'distance between height samples')}
${flag('maxErrorMm', 'largest allowed deviation from the picture')}
${flag('maxTriangles', 'triangle budget')}
${flag('invert', 'swap dark and bright')}
${flag('autoLevel', 'stretch contrast to the full range')}
${flag('gamma', 'tone curve exponent')}
${flag('denoise', 'Gaussian denoise, sigma in samples; 0 = off')}
${flag('nozzleMm', 'relief and flat lithophane: level specks under N² mm² in every layer, so slicers stay fast; 0 = keep them')}
${flag('buildPlateMm', 'the printer’s build volume, WxDxH or one number for a cube; the report warns when the model does not fit as placed', 'WxDxH')}

Lithophane
${flag('shape', 'cylinder: a closed lamp shade; heart: cut to a heart with a rim; dome: a spherical cap; globe: an equirectangular picture on a sphere, open at the bottom; nightlight: a four-walled box, open at the bottom', choicesOf('shape'))}
${flag('diameterMm', 'a cylinder’s or globe’s inside diameter instead of its width', 'N', String(LAMP_SHADE_DIAMETER_MM))}
${flag('minThicknessMm', 'thinnest (brightest) part')}
${flag('maxThicknessMm', 'thickest (darkest) part')}
${flag('filament', 'the filament you print in (see --filaments), for the --backlit colour and TD')}
${flag('arcDegrees', 'angle of an arc; a dome’s cap from rim to rim (180 = half sphere)')}
${flag('openingMm', 'a globe’s light opening at the bottom')}
${flag('frameMm', 'border width; 0 = none')}
${flag('frameThicknessMm', 'border thickness')}
${flag('frameText', `one line on the frame of a flat, arc or cylinder lithophane, in Noto Sans Bold, at most ${IMAGE_FIELDS.frameText.maxLength} characters; a ${FRAME_TEXT.frameMm} mm frame is added when --frame-mm is 0`, '"TEXT"')}
${flag('frameTextSide', 'which band of the frame', choicesOf('frameTextSide'))}
${flag('frameTextStyle', `cut ${FRAME_TEXT.reliefMm} mm into the frame, or stand out of it`, choicesOf('frameTextStyle'))}
${flag('frameTextMm', `capital height; default as tall as the band allows, shrunk to fit (warned), under ${FRAME_TEXT.minLetterMm} mm refused`)}
${flag('stand', 'stand a flat lithophane upright in a foot')}

Relief
${flag('minHeightMm', 'surface height for black')}
${flag('maxHeightMm', 'surface height for white')}
${flag('baseMm', 'solid base under the surface')}

Relief and flat lithophane
  --outline auto|none|alpha|colour   cut the solid to the subject (auto: the picture's transparency)
  --background-colour '#rrggbb'      with --outline colour (default #ffffff)  --background-tolerance N (0.1)
Colour relief
  --filaments LIST      comma separated: black grey white red orange yellow green blue cyan
                        magenta brown skin, or your own as Name:#RRGGBB:TD (TD in mm)
                        (default black,blue,yellow,white; stacked dark to light)
  --layer-height-mm N   the layer height you print at, first layer too (default 0.08)
  --base-mm N / --max-height-mm N   base and relief above it (default 0.48 / 1.92)
  --swap-method optimised|equal     swap layers fitted to the photo, or equal bands
  --colour-preview FILE.png   the predicted print   --swap-sheet FILE.json   when to swap
  The 3MF carries the swaps for PrusaSlicer and Bambu Studio / OrcaSlicer.

Extrude
${flag('extrudeHeightMm', 'height of the raised shapes')}
${flag('basePlateMm', 'plate under the shapes; 0 = separate pieces')}
${flag('threshold', 'brightness below which a pixel is ink; an alpha channel wins')}
${flag('keychain', 'add a ring tab')}
${flag('keychainHoleMm', 'ring hole diameter')}
${flag('keychainPosition', 'where the ring goes', choicesOf('keychainPosition'))}
${flag('cookieCutter', 'a cutter wall along the outline')}
${flag('cutterWallMm', 'cutter wall thickness')}
${flag('cutterHeightMm', 'cutter height')}
${flag('thickenToNozzle', 'widen strokes narrower than --nozzle-mm until they print (on for keychains and cookie cutters; --no-thicken-to-nozzle turns it off)')}

Text (no input file: nameplates, signs and keychains in the bundled Noto Sans Bold, OFL)
  --text "..."          the text; \n in a shell string ($'A\nB') starts a new line
${flag('textStyle', 'nameplate: a bordered plate; sign: with a screw hole at each end; keychain: with a ring', choicesOf('textStyle'))}
  --font FILE.ttf       a TrueType font of your own instead
  --width-mm N          the widest line's width (default ${TEXT_FIELDS.widthMm.default})
${flag('textHeightMm', 'letters above the plate')}
${flag('plateMm', 'plate thickness')}
${flag('marginMm', 'plate beyond the letters')}
${flag('borderMm', 'raised border of a nameplate or sign; 0 = none')}
${flag('holeMm', 'screw holes of a sign, ring hole of a keychain')}
  (--keychain-position places a text keychain's ring; default ${TEXT_FIELDS.keychainPosition.default})

3D files (recognised by content; default mode repair)
  --mode repair         weld, fix winding, fill holes, drop debris, union overlaps; fails with a reason
  --mode convert        change format only (geometry kept; report says if it is not a solid)
${flag('units', 'unit of the file’s coordinates (default mm; GLB metres; 3MF declares its own; a size under 3 mm or over 1 m is read in the likeliest unit, or fitted to the bed)', choicesOf('units'))}
${flag('upAxis', 'the file’s up axis; y is turned to z (default: GLB y, as glTF says; others z)', choicesOf('upAxis'))}
${flag('targetSizeMm', 'scale so the longest side is N mm')}
${flag('orient', 'flat-base rotates so the largest flat face lies on the bed', choicesOf('orient'))}
${flag('minWallMm', 'thinner walls make the verdict "not printable"')}
${flag('fillInnerShells', 'fill sealed voids (closed shells inside the part) so it prints solid')}
`;
  return `${body}${moreOptions()}
Other outputs
  --preview FILE.png    shaded 3/4 render      --backlit FILE.png   lithophane against a light
  --report FILE.json    printability report    --quiet              no progress bar or summary
  -h, --help            this text              --version

Exit status is 0 only when every file was written; otherwise one line says why.

Examples
  image-to-stl photo.jpg -o lamp.stl --shape cylinder --diameter-mm 80 --preview lamp.png
  image-to-stl photo.jpg -o framed.stl --frame-mm 10 --frame-text "Family 2026"
  image-to-stl pet.jpg -o pet.3mf --mode relief --width-mm 120 --max-height-mm 5
  image-to-stl cat.jpg -o cat.3mf --mode colour-relief --filaments black,red,yellow,white --swap-sheet swaps.json
  image-to-stl cat.jpg -o cat.3mf --mode colour-lithophane --width-mm 80 --colour-preview lit.png
  image-to-stl logo.png -o key.stl --mode extrude --width-mm 40 --keychain --base-plate-mm 1.2
  image-to-stl broken.stl -o fixed.3mf --mode repair --units in --report r.json
  image-to-stl --text "Ada Lovelace" --text-style nameplate --width-mm 90 -o door.stl
  image-to-stl photo.jpg -o big.stl --width-mm 300 --build-plate-mm 256x256x256
`;
}

export const HELP = buildHelp();
