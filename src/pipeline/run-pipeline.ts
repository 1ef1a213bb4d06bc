/**
 * Image -> printable solid, top to bottom as a list of timed stages:
 *   decode -> prepare (resample to the print grid, level, denoise) -> build the mode's solid
 *   -> validate with manifold-3d -> export each format -> previews -> report.
 * Everything with a side effect (codec, WASM, clock, memory probe) is passed in.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import type { Artifact } from './artifacts.ts';
import { bytesArtifact, CONTENT_TYPES } from './artifacts.ts';
import { decodeImage } from './decode.ts';
import { exportMesh } from './export/export-mesh.ts';
import { extrudeLogo } from './extrude/extrude.ts';
import type { Heightmap } from './heightmap.ts';
import { applyGamma } from './heightmap-ops/gamma.ts';
import { autoLevel } from './heightmap-ops/auto-level.ts';
import { gaussianBlur } from './heightmap-ops/blur.ts';
import { invert } from './heightmap-ops/invert.ts';
import { resample } from './heightmap-ops/resample.ts';
import type { ImageCodec, ImageLimits } from './image.ts';
import { imageJobGrid } from './job-grid.ts';
import type { Mesh } from './mesh.ts';
import { boundingBox } from './mesh.ts';
import { buildLithophane } from './modes/lithophane.ts';
import type { LithophaneResult } from './modes/lithophane.ts';
import { buildRelief } from './modes/relief.ts';
import { finishShape } from './modes/shape-finish.ts';
import { IMAGE_JOB_DEFAULTS } from './params.ts';
import type { ImageJobParams } from './params.ts';
import { plateWarning } from './build-plate.ts';
import { renderBacklit } from './preview/backlit.ts';
import { backlitOptionsForFilament } from './preview/filament-backlit.ts';
import { encodePng } from './preview/png.ts';
import { renderPreview } from './preview/render.ts';
import type { SolidReport } from './report.ts';
import { roundedBox } from './report.ts';
import { StageTimer } from './stage-timer.ts';
import type { StageHooks } from './stage-timer.ts';
import type { Triangulator } from './triangulate/triangulator.ts';
import { validateSolid } from './validate.ts';
import type { SlicerSmoothingReport } from './heightmap-ops/slicer-friendly.ts';
import { countParts } from './analyze/count-parts.ts';
import { parseFilament } from './colour/filaments.ts';
import type { Filament } from './colour/filaments.ts';
import { colourChangesOf, swapSheet } from './colour/swap-sheet.ts';
import { renderSwapSheet } from './colour/swap-sheet-png.ts';
import type { SwapSheet } from './colour/swap-sheet.ts';
import type { RgbPlanes } from './colour/swap-plan.ts';
import { rgbPlanesToImage } from './colour/planes.ts';
import { colourChangeFiles } from './export/colour-changes.ts';
import { writeThreeMf } from './export/threemf.ts';
import { buildColourRelief } from './modes/colour-relief.ts';
import type { ColourReliefField } from './modes/colour-relief.ts';
import type { FeatureWidth } from './analyze/feature-width.ts';
import { EXTRUDE_DEFAULTS } from './extrude/options.ts';
import { prepareInk } from './extrude/prepare-ink.ts';
import type { PreparedInk } from './extrude/prepare-ink.ts';
import { imagePrintability } from './image-printability.ts';
import { cutToOutline, fillBackground, subjectOutlineMask } from './modes/outline-cut.ts';
import type { OutlineCut } from './modes/outline-cut.ts';
import { renderThinFeatures } from './preview/thin-features.ts';
import type { ThinFeatureLayers } from './preview/thin-features.ts';
import { COLOUR_LITHOPHANE_MAX_LAYERS } from './catalog/image-fields.ts';
import { meanDeltaE } from './colour/swap-plan.ts';
import { writeThreeMfBodies } from './export/threemf-bodies.ts';
import { mergeMeshes, signedVolume } from './mesh.ts';
import { buildColourLithophane } from './modes/colour-lithophane.ts';
import { addFrameText } from './modes/frame-text.ts';
import { STAND_DEFAULTS } from './modes/stand.ts';
import { PipelineError } from './errors.ts';
import type { ColourLithophane } from './modes/colour-lithophane.ts';

export interface PipelineDeps extends StageHooks {
  codec: ImageCodec;
  manifold: ManifoldToplevel;
  triangulate: Triangulator;
  limits?: Partial<ImageLimits>;
  /** The bundled font's TrueType bytes, for lithophane frame text (src/node/fonts.ts reads them on Node). */
  font?: Uint8Array;
}

export interface PipelineResult {
  mesh: Mesh;
  artifacts: Artifact[];
  report: SolidReport;
}

export async function runImagePipeline(bytes: Uint8Array, params: ImageJobParams, deps: PipelineDeps): Promise<PipelineResult> {
  const planned = 5 + params.formats.length + (params.previews ? 1 : 0);
  const timer = new StageTimer(deps, planned);
  const started = deps.clock();
  const warnings: string[] = [];

  const colour = params.mode === 'colour-relief' || params.mode === 'colour-lithophane';
  const { heightmap: decoded, rgb } = await timer.run('decode', () => decodeImage(bytes, deps.codec, deps.limits, { rgb: colour }));

  const { widthMm } = imageJobGrid(decoded, params);
  const { map, pitchMm, planes, subject } = await timer.run('prepare', () => prepare(decoded, params, warnings, rgb));
  let colourField: ColourReliefField | undefined;
  let colourLitho: ColourLithophane | undefined;
  let sheet: SwapSheet | undefined;

  let surface: {
    heights?: Float32Array;
    achievedErrorMm?: number;
    grid?: SolidReport['grid'];
    thickness?: Heightmap;
    smoothing?: SlicerSmoothingReport;
  } = {};
  let ink: PreparedInk | undefined;
  let outline: (OutlineCut & { width: number; height: number }) | undefined;
  let frameText: SolidReport['frameText'];
  const solid = await timer.run(`build-${params.mode}`, () => {
    if (params.mode === 'extrude') {
      ink = prepareInk(decoded, map, {
        threshold: params.threshold,
        invert: params.invert,
        widthMm,
        nozzleMm: params.nozzleMm,
        thicken: params.thickenToNozzle,
        simplifyToleranceMm: EXTRUDE_DEFAULTS.simplifyToleranceMm,
      });
      inkWarnings(ink, params, warnings);
      return extrudeLogo(ink.map, deps.manifold, {
        widthMm,
        heightMm: params.extrudeHeightMm,
        basePlateMm: params.basePlateMm,
        threshold: params.threshold,
        invert: params.invert,
        keychain: params.keychain ? { holeDiameterMm: params.keychainHoleMm, position: params.keychainPosition } : undefined,
        cookieCutter: params.cookieCutter ? { wallMm: params.cutterWallMm, heightMm: params.cutterHeightMm } : undefined,
      });
    }
    if (params.mode === 'colour-lithophane' && planes) {
      const filaments = params.filaments.map((f) => parseFilament(f) as Filament);
      colourLitho = buildColourLithophane(planes, pitchMm, {
        colours: filaments.slice(0, -1),
        texture: filaments[filaments.length - 1],
        layerHeightMm: params.layerHeightMm,
        maxLayers: COLOUR_LITHOPHANE_MAX_LAYERS,
        textureMinMm: params.minThicknessMm,
        textureMaxMm: params.maxThicknessMm,
      });
      surface = {
        grid: {
          width: planes.width,
          height: planes.height,
          pitchMm: round(pitchMm, 4),
          fullGridTriangles: 2 * (planes.width - 1) * (planes.height - 1),
        },
      };
      return mergeMeshes(colourLitho.bodies.map((b) => b.mesh));
    }
    const built =
      params.mode === 'colour-relief' && planes
        ? (colourField = buildColourRelief(planes, pitchMm, deps.triangulate, {
            filaments: params.filaments.map((f) => parseFilament(f) as Filament),
            layerHeightMm: params.layerHeightMm,
            baseMm: params.baseMm,
            reliefMm: params.maxHeightMm,
            method: params.swapMethod,
            nozzleMm: params.nozzleMm,
            maxErrorMm: params.maxErrorMm,
            maxTriangles: params.maxTriangles,
          }))
        : params.mode === 'relief'
          ? buildRelief(map, pitchMm, deps.triangulate, {
              minHeightMm: params.minHeightMm,
              maxHeightMm: params.maxHeightMm,
              baseMm: params.baseMm,
              invert: params.invert,
              maxErrorMm: params.maxErrorMm,
              maxTriangles: params.maxTriangles,
              nozzleMm: params.nozzleMm,
            })
          : buildLithophane(params.invert ? invert(map) : map, pitchMm, deps.triangulate, {
              shape: params.shape,
              minThicknessMm: params.minThicknessMm,
              maxThicknessMm: params.maxThicknessMm,
              arcDegrees: params.arcDegrees,
              openingMm: params.openingMm,
              // A heart's frame is its rim, added along the outline (shape-finish), not round the rectangle.
              frameMm: params.shape === 'heart' ? 0 : params.frameMm,
              frameThicknessMm: params.frameThicknessMm,
              maxErrorMm: params.maxErrorMm,
              // A night-light box has four walls of the picture.
              maxTriangles: params.shape === 'nightlight' ? Math.floor(params.maxTriangles / 4) : params.maxTriangles,
              nozzleMm: params.nozzleMm,
            });
    surface = {
      heights: built.heights,
      achievedErrorMm: built.achievedErrorMm,
      grid: {
        width: built.gridWidth,
        height: built.gridHeight,
        pitchMm: round(pitchMm, 4),
        fullGridTriangles: 2 * (built.gridWidth - 1) * (built.gridHeight - 1),
      },
      thickness: (built as Partial<LithophaneResult>).thickness,
      smoothing: built.slicerSmoothing,
    };
    const levelled = built.slicerSmoothing;
    if (levelled && levelled.maxChangeMm > params.maxErrorMm) {
      warnings.push(
        `${round(levelled.changedShare * 100, 2)}% of the surface was levelled by up to ${round(levelled.maxChangeMm, 2)} mm (mean ${round(levelled.meanChangeMm, 4)} mm) to drop specks under the ${levelled.nozzleMm} mm nozzle's size; nozzleMm 0 keeps them`,
      );
    }
    if (built.achievedErrorMm > params.maxErrorMm) {
      warnings.push(
        `the triangle budget (${params.maxTriangles}) stopped refinement at ${round(built.achievedErrorMm, 3)} mm, above the requested ${params.maxErrorMm} mm`,
      );
    }
    let cutMesh = built.mesh;
    if (subject) {
      const grid = withFrameBand(subject, map.width, map.height, built.gridWidth, built.gridHeight);
      outline = {
        ...cutToOutline(built.mesh, grid, built.gridWidth, built.gridHeight, deps.manifold, { pitchMm, nozzleMm: params.nozzleMm }),
        width: built.gridWidth,
        height: built.gridHeight,
      };
      cutMesh = outline.mesh;
      if (outline.bridges > 0) {
        warnings.push(
          `the subject is ${outline.pieces} separate pieces: joined into one by ${outline.bridges} bar${outline.bridges > 1 ? 's' : ''} ${round(outline.barMm, 2)} mm wide`,
        );
      }
      if (outline.thickenedAreaMm2 > 0) {
        warnings.push(
          `strokes of the subject narrower than the ${params.nozzleMm} mm nozzle were widened: ${round(outline.thickenedAreaMm2, 1)} mm² added`,
        );
      }
    }
    if (params.mode !== 'lithophane') return cutMesh;
    if (params.frameText) {
      const frame = (built as LithophaneResult).frame;
      if (!frame)
        throw new PipelineError('invalid_parameters', 'frame text: the lithophane has no frame band to write on (frameMm)', 'frame-text');
      if (!deps.font) throw new PipelineError('internal', 'frame text: no font was given to the pipeline', 'frame-text');
      const written = addFrameText(cutMesh, deps.font, frame, deps.manifold, {
        text: params.frameText,
        side: params.frameTextSide,
        style: params.frameTextStyle,
        letterMm: params.frameTextMm,
        // A stand's foot hides the bottom of the plate (flat) or of the arc.
        hiddenBottomMm: params.stand ? STAND_DEFAULTS.embedMm : 0,
        toleranceMm: 0.05,
      });
      cutMesh = written.mesh;
      warnings.push(...written.warnings);
      frameText = {
        letterMm: round(written.letterMm, 2),
        side: params.frameTextSide,
        style: params.frameTextStyle,
        letterAreaMm2: round(written.letterAreaMm2, 1),
      };
    }
    if (params.shape === 'dome' && Math.abs(map.width - map.height) > 0.05 * Math.max(map.width, map.height)) {
      warnings.push(
        `a dome maps the picture to a circle: this ${map.width}×${map.height} picture is stretched; crop it square to avoid that`,
      );
    }
    return finishShape(cutMesh, (built as LithophaneResult).curved, params, deps.manifold);
  });

  const check = await timer.run('validate', () => validateSolid(solid, deps.manifold));
  const mesh = check.mesh;
  const parts = countParts(mesh);
  // A colour lithophane's bodies are separate on purpose: one per filament, stacked.
  if (parts > 1 && !colourLitho) {
    warnings.push(
      `the model is ${parts} separate pieces, which print as loose parts${params.mode === 'extrude' ? '; set a base plate (basePlateMm, e.g. 1.2) to join them into one' : ''}`,
    );
  }
  const box = boundingBox(mesh);
  const offPlate = plateWarning(
    [0, 1, 2].map((i) => box.max[i] - box.min[i]) as [number, number, number],
    params.buildPlateMm ?? IMAGE_JOB_DEFAULTS.buildPlateMm,
  );
  if (offPlate) warnings.push(offPlate);
  if (check.triangles > params.maxTriangles) {
    warnings.push(
      `the solid has ${check.triangles} triangles, above the budget of ${params.maxTriangles}, because walls and base are needed to close it`,
    );
  }

  if (colourField) sheet = swapSheet(colourField.plan, Math.round(box.max[2] / colourField.plan.layerHeightMm));
  const artifacts: Artifact[] = [];
  for (const format of params.formats) {
    artifacts.push(
      await timer.run(`export-${format}`, () =>
        format === '3mf' && colourLitho
          ? bytesArtifact(
              'model.3mf',
              CONTENT_TYPES['3mf'],
              writeThreeMfBodies(colourLitho.bodies.map((b) => ({ name: b.filament.name, hex: b.filament.hex, mesh: b.mesh }))),
            )
          : format === '3mf' && sheet
            ? bytesArtifact(
                'model.3mf',
                CONTENT_TYPES['3mf'],
                writeThreeMf(mesh, { extraFiles: colourChangeFiles(colourChangesOf(sheet)) }),
              )
            : exportMesh(mesh, format),
      ),
    );
  }
  if (sheet) {
    artifacts.push(bytesArtifact('swap-sheet.json', CONTENT_TYPES.json, new TextEncoder().encode(JSON.stringify(sheet, null, 2))));
    artifacts.push(bytesArtifact('swap-sheet.png', CONTENT_TYPES.png, encodePng(renderSwapSheet(sheet))));
  }
  if (params.previews) {
    await timer.run('preview', () => {
      // Unfiltered PNGs came out smallest and 1.5-4x faster for both pictures (measured: render
      // 131 KB in 64 ms vs 156 KB in 96 ms adaptive; backlit 165 KB in 24 ms vs 185 KB in 96 ms).
      // Extrusions are flat-faced solids: flat shading shows them crisply, smoothing streaks them.
      const shading = params.mode === 'extrude' ? { creaseAngleDeg: 0 } : {};
      artifacts.push(bytesArtifact('preview.png', CONTENT_TYPES.png, encodePng(renderPreview(mesh, shading), { filter: 'none' })));
      if (surface.thickness)
        artifacts.push(
          bytesArtifact(
            'backlit.png',
            CONTENT_TYPES.png,
            encodePng(renderBacklit(surface.thickness, backlitOptionsForFilament(parseFilament(params.filament) as Filament)), {
              filter: 'none',
            }),
          ),
        );
      if (colourLitho)
        artifacts.push(
          bytesArtifact('colour.png', CONTENT_TYPES.png, encodePng(rgbPlanesToImage(colourLitho.predicted), { filter: 'none' })),
        );
      if (colourField)
        artifacts.push(
          bytesArtifact('colour.png', CONTENT_TYPES.png, encodePng(rgbPlanesToImage(colourField.predicted), { filter: 'none' })),
        );
      const layers = thinFeatureLayers(ink, outline);
      if (layers) artifacts.push(bytesArtifact('thin-features.png', CONTENT_TYPES.png, encodePng(renderThinFeatures(layers))));
    });
  }
  const features: FeatureWidth | undefined = ink?.features ?? outline?.features;
  const printability = imagePrintability({
    mesh,
    sizeMm: [0, 1, 2].map((i) => box.max[i] - box.min[i]) as [number, number, number],
    buildVolumeMm: params.buildPlateMm ?? IMAGE_JOB_DEFAULTS.buildPlateMm,
    nozzleMm: params.nozzleMm,
    features,
    minWallMm: surface.heights && params.mode !== 'extrude' ? smallest(surface.heights) : undefined,
    cutterWallMm: params.mode === 'extrude' && params.cookieCutter ? params.cutterWallMm : undefined,
    vanishedInkShare: ink?.vanishedShare,
    thickenedAreaMm2: ink ? ink.thickenedAreaMm2 : outline?.thickenedAreaMm2,
  });

  const report: SolidReport = {
    mode: params.mode,
    shape: params.mode === 'lithophane' ? params.shape : undefined,
    manifold: check.manifold,
    triangles: check.triangles,
    vertices: check.vertices,
    volumeMm3: round(check.volumeMm3, 2),
    genus: check.genus,
    parts,
    boundingBoxMm: roundedBox(box),
    grid: surface.grid,
    requestedMaxErrorMm: params.mode === 'extrude' ? undefined : params.maxErrorMm,
    achievedMaxErrorMm: surface.achievedErrorMm === undefined ? undefined : round(surface.achievedErrorMm, 4),
    maxErrorFromPictureMm:
      surface.achievedErrorMm === undefined ? undefined : round(surface.achievedErrorMm + (surface.smoothing?.maxChangeMm ?? 0), 4),
    slicerSmoothing: surface.smoothing && roundedSmoothing(surface.smoothing),
    colour:
      colourField && sheet
        ? {
            meanDeltaE00: round(colourField.meanDeltaE, 2),
            swapMethod: params.swapMethod,
            layerHeightMm: sheet.layerHeightMm,
            start: sheet.start.name,
            swaps: sheet.swaps.map((s) => ({ layer: s.layer, printZMm: s.printZMm, filament: s.filament.name })),
          }
        : undefined,
    printability,
    frameText,
    outlineCut: outline && { source: params.outline === 'colour' ? 'colour' : 'alpha', pieces: outline.pieces, bridges: outline.bridges },
    colourLithophane:
      colourLitho && planes
        ? {
            meanDeltaE00: round(meanDeltaE(planes, colourLitho.predicted), 2),
            layerHeightMm: params.layerHeightMm,
            bodies: colourLitho.bodies.map((b, k) => ({
              filament: b.filament.name,
              hex: b.filament.hex,
              extruder: k + 1,
              volumeMm3: round(signedVolume(b.mesh), 2),
            })),
          }
        : undefined,
    stagesMs: timer.stagesMs,
    totalMs: Math.round(deps.clock() - started),
    peakMemoryMb: timer.peakMemoryBytes ? Math.round(timer.peakMemoryBytes / 1048576) : undefined,
    outputs: artifacts.map((a) => ({ name: a.name, bytes: a.byteLength })),
    warnings,
  };
  artifacts.push(bytesArtifact('report.json', CONTENT_TYPES.json, new TextEncoder().encode(JSON.stringify(report, null, 2))));
  deps.onProgress?.({ stage: 'done', percent: 100 });
  return { mesh, artifacts, report };
}

function prepare(
  decoded: Heightmap,
  params: ImageJobParams,
  warnings: string[],
  rgb?: RgbPlanes,
): { map: Heightmap; pitchMm: number; planes?: RgbPlanes; subject?: Uint8Array } {
  const grid = imageJobGrid(decoded, params);
  const flat = params.mode !== 'extrude' && !(params.mode === 'lithophane' && (params.shape === 'cylinder' || params.shape === 'globe'));
  if (flat && grid.width < Math.round(grid.widthMm / params.resolutionMm) + 1) {
    warnings.push(
      `the picture has fewer pixels than the ${params.resolutionMm} mm resolution asks for; sampled at ${round(grid.pitchMm, 3)} mm`,
    );
  }
  let map = resample(decoded, grid);
  const pitchMm = grid.pitchMm;
  // The subject-outline cut (relief, flat lithophane): decided on the picture's own brightness and
  // alpha, then the background takes the subject's edge values so it does not bleed into the surface
  // along the outline (through the denoise blur and the triangles that cross it).
  const flatSurface = params.mode === 'relief' || (params.mode === 'lithophane' && params.shape === 'flat');
  const subject = flatSurface ? subjectOutlineMask(map, params, warnings) : undefined;
  if (params.mode === 'lithophane' && !flatSurface && map.mask && params.outline === 'auto') {
    warnings.push('the picture has transparent areas; curved lithophanes are not cut to the subject (relief and flat lithophane are)');
  }
  if (subject) map = fillBackground(map, subject);
  if (params.autoLevel) map = autoLevel(map);
  if (params.gamma !== 1) map = applyGamma(map, params.gamma);
  if (params.denoise > 0) map = gaussianBlur(map, params.denoise);
  if (!rgb) return { map, pitchMm, subject };
  // Colour planes follow the grey one through the same resampling and denoising (not the tone curve).
  const plane = (values: Float32Array) => {
    let p = resample({ width: rgb.width, height: rgb.height, values }, grid);
    if (params.denoise > 0) p = gaussianBlur(p, params.denoise);
    return p.values;
  };
  return { map, pitchMm, subject, planes: { width: map.width, height: map.height, r: plane(rgb.r), g: plane(rgb.g), b: plane(rgb.b) } };
}

/** Warnings about ink lost to the sampling step and ink added by thickening (extrusions). */
function inkWarnings(ink: PreparedInk, params: ImageJobParams, warnings: string[]): void {
  if (ink.vanishedShare > 0) {
    warnings.push(
      `${round(ink.vanishedShare * 100, 2)}% of the picture's ink is in strokes thinner than the ${round(ink.pitchMm, 3)} mm sampling step and vanished; thickenToNozzle keeps it`,
    );
  }
  if (ink.thickenedAreaMm2 > 0) {
    warnings.push(`strokes narrower than the ${params.nozzleMm} mm nozzle were widened: ${round(ink.thickenedAreaMm2, 1)} mm² added`);
  }
}

/** The subject mask on the lithophane's grid: a frame band (when there is one) is kept whole around it. */
function withFrameBand(subject: Uint8Array, width: number, height: number, gridWidth: number, gridHeight: number): Uint8Array {
  if (gridWidth === width && gridHeight === height) return subject;
  const band = (gridWidth - width) / 2;
  const out = new Uint8Array(gridWidth * gridHeight).fill(1);
  for (let y = 0; y < height; y++) out.set(subject.subarray(y * width, (y + 1) * width), (y + band) * gridWidth + band);
  return out;
}

function thinFeatureLayers(
  ink: PreparedInk | undefined,
  outline: (OutlineCut & { width: number; height: number }) | undefined,
): ThinFeatureLayers | undefined {
  if (ink)
    return { width: ink.width, height: ink.height, mask: ink.mask, thin: ink.features.thin, added: ink.added, vanished: ink.vanished };
  if (outline)
    return { width: outline.width, height: outline.height, mask: outline.mask, thin: outline.features.thin, added: outline.added };
  return undefined;
}

function smallest(values: Float32Array): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] < min) min = values[i];
  return min;
}

function roundedSmoothing(s: SlicerSmoothingReport): SlicerSmoothingReport {
  return { ...s, changedShare: round(s.changedShare, 5), maxChangeMm: round(s.maxChangeMm, 4), meanChangeMm: round(s.meanChangeMm, 5) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
