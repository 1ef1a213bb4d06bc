export const HELP = `image-to-stl: photos and logos to printable solids, offline.

Usage
  image-to-stl <image> -o <out.stl|out.3mf|out.glb|out.obj> [-o more...] [options]
  image-to-stl <model.stl|.obj|.ply|.glb|.3mf> -o <out> [--mode repair|convert] [options]

Modes
  --mode lithophane     thickness follows brightness, for a light behind it (default)
  --mode relief         height follows brightness on a flat base
  --mode extrude        a logo or text picture extruded (keychains, cookie cutters, signs)
  --mode colour-relief  a thin relief in colour on one nozzle: filament swaps at planned layers

Size and quality
  --width-mm N          width of the print (default 100; arc/cylinder: unrolled width)
  --height-mm N         picture height instead; width follows the aspect ratio
  --resolution-mm N     distance between height samples (default 0.2)
  --max-error-mm N      largest allowed deviation from the picture (default 0.05)
  --max-triangles N     triangle budget (default 400000)
  --invert              swap dark and bright
  --auto-level          stretch contrast to the full range
  --gamma N             tone curve exponent (default 1)
  --denoise N           Gaussian denoise, sigma in samples (default 0.5; 0 = off)
  --nozzle-mm N         relief and flat lithophane: level specks under N² mm² in every layer,
                        so slicers stay fast (default 0.4; 0 = keep them)

Lithophane
  --shape flat|arc|cylinder   (default flat; cylinder makes a closed lamp shade)
  --diameter-mm N       a cylinder's inside diameter instead of its width (default 80)
  --min-thickness-mm N  thinnest (brightest) part (default 0.8)
  --max-thickness-mm N  thickest (darkest) part (default 3.2)
  --arc-degrees N       angle of an arc (default 120)
  --frame-mm N          border width (default 0 = none)
  --frame-thickness-mm N (default 4)
  --stand               stand a flat lithophane upright in a foot

Relief
  --min-height-mm N / --max-height-mm N   surface height for black / white (0 / 3)
  --base-mm N           solid base under the surface (default 1.5)

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
  --extrude-height-mm N (default 3)    --base-plate-mm N (default 0)
  --threshold N         brightness below which a pixel is ink (default 0.5; alpha wins)
  --keychain            add a ring tab   --keychain-hole-mm N (4)
  --keychain-position top|bottom|left|right|top-left|top-right
  --cookie-cutter       a cutter wall along the outline  --cutter-wall-mm N (0.8)  --cutter-height-mm N (12)
  --thicken-to-nozzle   widen strokes narrower than --nozzle-mm until they print (on for keychains and cookie
                        cutters; --no-thicken-to-nozzle turns it off)

3D files (recognised by content; default mode repair)
  --mode repair         weld, fix winding, fill holes, drop debris, union overlaps; fails with a reason
  --mode convert        change format only (geometry kept; report says if it is not a solid)
  --units mm|cm|m|in    unit of the file's coordinates (default mm; GLB metres; 3MF declares its own;
                        a size under 3 mm or over 1 m is read in the likeliest unit, or fitted to the bed)
  --up-axis z|y         the file's up axis; y is turned to z (default: GLB y, as glTF says; others z)
  --target-size-mm N    scale so the longest side is N mm
  --orient flat-base    rotate so the largest flat face lies on the bed
  --min-wall-mm N       thinner walls make the verdict "not printable" (default 0.4)
  --fill-inner-shells   fill sealed voids (closed shells inside the part) so it prints solid

Other outputs
  --preview FILE.png    shaded 3/4 render      --backlit FILE.png   lithophane against a light
  --report FILE.json    printability report    --quiet              no progress bar or summary
  -h, --help            this text              --version

Exit status is 0 only when every file was written; otherwise one line says why.

Examples
  image-to-stl photo.jpg -o lamp.stl --shape cylinder --diameter-mm 80 --preview lamp.png
  image-to-stl pet.jpg -o pet.3mf --mode relief --width-mm 120 --max-height-mm 5
  image-to-stl cat.jpg -o cat.3mf --mode colour-relief --filaments black,red,yellow,white --swap-sheet swaps.json
  image-to-stl logo.png -o key.stl --mode extrude --width-mm 40 --keychain --base-plate-mm 1.2
  image-to-stl broken.stl -o fixed.3mf --mode repair --units in --report r.json
`;
