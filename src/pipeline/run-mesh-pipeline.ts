/**
 * Uploaded 3D file -> repaired (or converted) solid, top to bottom as timed stages:
 *   import (sniff + read) -> measure -> repair | pass through -> units/orient/place -> validate
 *   -> analyse (thin walls, overhangs) -> export each format -> preview -> report.
 * Pure: the WASM module, decoders, clock and memory probe are passed in.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { flatBaseStage } from './analyze/flat-base-stage.ts';
import { countSelfIntersections, type SelfIntersections } from './analyze/self-intersections.ts';
import { describeGuess, guessUnits } from './analyze/guess-units.ts';
import { estimateThinWalls } from './analyze/thin-wall.ts';
import { type BedContact, measureBedContact } from './analyze/bed-contact.ts';
import { FLAT_BASE_DEFAULTS } from './analyze/flat-base.ts';
import { measureOverhang } from './analyze/overhang.ts';
import { fitsBuildVolume, MM_PER_UNIT, placeOnBed, scaleForHeight, scaleForLongestSide, scaleMesh, yUpToZUp } from './analyze/place.ts';
import type { Artifact } from './artifacts.ts';
import { bytesArtifact, CONTENT_TYPES } from './artifacts.ts';
import { PipelineError } from './errors.ts';
import { exportMesh } from './export/export-mesh.ts';
import type { GlbDecoders } from './import/glb.ts';
import type { ImportLimits } from './import/limits.ts';
import type { ImportedMesh } from './import/imported-mesh.ts';
import { readMesh } from './import/read-mesh.ts';
import type { Mesh } from './mesh.ts';
import { boundingBox, boxSize, signedVolume } from './mesh.ts';
import type { MeshMeasures, MeshReport } from './mesh-report.ts';
import type { MeshJobParams } from './mesh-params.ts';
import { encodePng } from './preview/png.ts';
import { renderPreview } from './preview/render.ts';
import { buildEdgeTopology } from './repair/edge-topology.ts';
import { measureDefects, measureWeldedDefects, type DefectCounts } from './repair/measure-defects.ts';
import { repairMesh, type RepairLog, type WeldedInput } from './repair/repair-mesh.ts';
import { weldExact } from './repair/weld-exact.ts';
import { roundedBox } from './report.ts';
import { StageTimer, type StageHooks } from './stage-timer.ts';
import { validateSolid, type SolidCheck } from './validate.ts';

export interface MeshPipelineDeps extends StageHooks {
  manifold: ManifoldToplevel;
  decoders?: GlbDecoders;
  limits?: Partial<ImportLimits & { maxUncompressedBytes: number }>;
}

export interface MeshPipelineResult {
  mesh: Mesh;
  artifacts: Artifact[];
  report: MeshReport;
}

export async function runMeshPipeline(bytes: Uint8Array, params: MeshJobParams, deps: MeshPipelineDeps): Promise<MeshPipelineResult> {
  const timer = new StageTimer(deps, 7 + params.formats.length);
  const started = deps.clock();
  const warnings: string[] = [];

  const imported = await timer.run('import', () => readMesh(bytes, { ...deps.limits, decoders: deps.decoders }));
  // Y-up files (glTF by its spec, or --up-axis y) stand up as authored: turned before anything is
  // measured, so the before and after figures share one frame.
  const upAxis = params.upAxis ?? imported.upAxis ?? 'z';
  if (upAxis === 'y') {
    imported.mesh = yUpToZUp(imported.mesh);
    imported.notes.push(
      `${imported.upAxis === 'y' ? 'glTF is Y-up' : 'the file is Y-up (upAxis y)'}: turned +90° about X so it stands as authored (Z up on the bed); set upAxis z (--up-axis z) to keep the file's axes`,
    );
  }
  let scaleToMm = unitScale(imported.unit, params, warnings);
  // A size no print has (under 3 mm, over 1 m), from a file whose unit nobody fixed: read it in the
  // likeliest unit or fit it to the build volume, and say how to undo that.
  const unitGuess = sizeIsOpen(imported.unit, params)
    ? guessUnits(boxSize(boundingBox(imported.mesh)), scaleToMm, params.buildVolumeMm)
    : undefined;
  if (unitGuess) {
    scaleToMm = unitGuess.scaleToMm;
    warnings.push(describeGuess(unitGuess, imported.unit === 'meter' ? 'm' : 'mm', params.buildVolumeMm));
  } else if (params.units === undefined && imported.unit === 'meter') {
    imported.notes.push(
      `glTF coordinates are metres by its spec: scaled by ${scaleToMm} to mm; set units (--units) if the file uses another`,
    );
  }
  // The exact weld and edge topology measured here are the ones repair starts from (when no unit
  // scale changed the coordinates), so they are handed on instead of computed twice.
  let prepared: WeldedInput | undefined;
  const before = await timer.run('measure', () => {
    const scaled = scaleMesh(imported.mesh, scaleToMm);
    const welded = weldExact(scaled);
    const topology = buildEdgeTopology(welded.mesh.indices);
    const crossings = countSelfIntersections(welded.mesh);
    if (scaled === imported.mesh) prepared = { welded, topology, selfIntersections: crossings };
    return withGeometry(measureWeldedDefects(welded.mesh, topology), scaled, crossings);
  });

  let mesh = imported.mesh;
  let repairs: RepairLog | undefined;
  let edgeCheckedIndices: Uint32Array | undefined;
  if (params.mode === 'repair') {
    const repaired = await timer.run('repair', () =>
      repairMesh(
        mesh,
        deps.manifold,
        {
          fillHoles: params.fillHoles,
          resolveSelfIntersections: params.resolveSelfIntersections,
          fillInnerShells: params.fillInnerShells,
          harmlessCrossingDepth: HARMLESS_CROSSING_MM / mmPerUnit(imported.mesh, scaleToMm, params),
          minVolumeFraction: params.minPartFraction,
          relativeTolerance: params.weldTolerance,
        },
        prepared,
      ),
    );
    mesh = repaired.mesh;
    repairs = repaired.log;
    // Where, in the frame of `before` (the imported model in mm, not yet placed).
    const inMm = (box: { min: number[]; max: number[] }) => ({
      min: box.min.map((v) => round(v * scaleToMm, 3)),
      max: box.max.map((v) => round(v * scaleToMm, 3)),
    });
    if (repairs.selfIntersectionRegion) repairs.selfIntersectionRegion = inMm(repairs.selfIntersectionRegion);
    if (repairs.levelSetRegion) repairs.levelSetRegion = inMm(repairs.levelSetRegion);
    if (repairs.selfIntersectionsHarmless > 0) {
      const r = repairs.selfIntersectionRegion!;
      warnings.push(
        `the surface only touches itself (${repairs.selfIntersectionsHarmless} pairs of faces cross, but nothing between them is deeper than ${HARMLESS_CROSSING_MM} mm) between (${r.min.join(', ')}) and (${r.max.join(', ')}) mm of the input: its triangles were kept`,
      );
    }
    if (repairs.innerShellsFilled > 0) {
      imported.notes.push(
        `filled ${repairs.innerShellsFilled} inner shell${repairs.innerShellsFilled === 1 ? '' : 's'} (a sealed void inside the part) so it prints solid; set fillInnerShells to false (AI jobs: keepInnerShells true) to keep it hollow`,
      );
    }
    edgeCheckedIndices = repaired.edgeCheckedIndices;
  } else {
    // Welding bit-identical corners changes no coordinate; it lets validation see shared edges.
    mesh = (prepared?.welded ?? weldExact(mesh)).mesh;
  }
  prepared = undefined;

  let orientation: MeshReport['orientation'];
  const unplaced = mesh;
  mesh = await timer.run('place', () => {
    let placed = scaleMesh(mesh, scaleToMm);
    if (params.targetHeightMm !== undefined) placed = scaleMesh(placed, scaleForHeight(placed, params.targetHeightMm));
    else if (params.targetSizeMm !== undefined) placed = scaleMesh(placed, scaleForLongestSide(placed, params.targetSizeMm));
    if (params.orient === 'flat-base') {
      const flat = flatBaseStage(placed, deps.manifold);
      placed = flat.mesh;
      orientation = flat.orientation;
    }
    return (params.placeOnBed ?? params.mode === 'repair') ? placeOnBed(placed) : placed;
  });
  if (repairs?.remeshedByLevelSet && repairs.levelSetEdgeMm !== undefined) {
    // The rebuild ran in the file's units; placing scaled uniformly (units, target size). The
    // report's figure is the placed model's millimetres, like every other length in it.
    const spacingMm = repairs.levelSetEdgeMm * (longestSide(mesh) / Math.max(longestSide(unplaced), Number.MIN_VALUE));
    repairs.levelSetEdgeMm = Number(spacingMm.toPrecision(3));
    const region = repairs.levelSetRegion;
    warnings.push(
      region
        ? `the surface crossed itself between (${region.min.join(', ')}) and (${region.max.join(', ')}) mm of the input: that box was rebuilt on a ${repairs.levelSetEdgeMm} mm lattice (finer details in it are smoothed), the rest keeps its triangles; set resolveSelfIntersections to false to keep them all`
        : `the surface crossed itself, so it was rebuilt as one solid on a ${repairs.levelSetEdgeMm} mm lattice: details finer than that are smoothed; set resolveSelfIntersections to false to keep the original triangles`,
    );
  }

  let check: SolidCheck | undefined;
  let notManifoldReason: string | undefined;
  let sliversCollapsed = 0;
  await timer.run('validate', () => {
    try {
      // Placement moves vertices but keeps the index array, so repair's edge count still holds.
      check = validateSolid(mesh, deps.manifold, 'validate', { edgeCheckedIndices });
      // manifold-3d collapses zero-area slivers (edges shorter than its tolerance) as it builds the solid.
      sliversCollapsed = mesh.indices.length / 3 - check.triangles;
      if (sliversCollapsed > 0) {
        imported.notes.push(
          `${sliversCollapsed} zero-area triangles (slivers) were collapsed while checking the solid; the shape is unchanged`,
        );
      }
      mesh = check.mesh;
    } catch (error) {
      // Repair promised a solid: failing here is a failed job. Convert reports it and carries on.
      if (params.mode === 'repair' || !(error instanceof PipelineError)) throw error;
      notManifoldReason = error.message;
      warnings.push(`the converted mesh is not a closed solid: ${error.message}; run --mode repair to fix it`);
    }
  });

  const analysis = await timer.run('analyse', () => ({
    thinWall: check ? estimateThinWalls(mesh) : undefined,
    overhang: measureOverhang(mesh, { thresholdDeg: params.overhangDeg }),
    bedContact: measureBedContact(mesh),
  }));

  const artifacts: Artifact[] = [];
  for (const format of params.formats) artifacts.push(await timer.run(`export-${format}`, () => exportMesh(mesh, format)));
  if (params.previews) {
    await timer.run('preview', () => {
      artifacts.push(bytesArtifact('preview.png', CONTENT_TYPES.png, encodePng(renderPreview(mesh), { filter: 'none' })));
    });
  }

  // After repair the mesh is indexed as exported (3MF, OBJ, GLB keep indices); parts that only
  // touch at an edge or corner keep separate vertex copies there, which a position weld (an STL
  // reader) would join again, so that case is measured both ways and warned about.
  // Crossing faces after: repair counted them on its output; placement only scales, turns and
  // moves the solid and validation only drops slivers, which make no new crossings. Convert
  // changes no face, so its count is the input's (one count of 1M triangles is ~2 s).
  const after = measures(mesh, true, repairs ? remainingCrossings(repairs) : crossingsOf(before));
  const touchingEdges = check ? positionWeldedNonManifoldEdges(mesh, after) : 0;
  if (touchingEdges > 0) {
    warnings.push('parts touch along an edge or at a corner; kept apart by separate vertices, which STL cannot record (use 3MF)');
  }
  const box = roundedBox(boundingBox(mesh));
  const fits = fitsBuildVolume(box.size, params.buildVolumeMm);
  const report: MeshReport = {
    mode: params.mode,
    inputFormat: imported.format,
    inputUnit: params.units ?? imported.unit,
    inputUpAxis: upAxis,
    scaleToMm,
    ...(unitGuess ? { unitGuess } : {}),
    before,
    after,
    repairs,
    manifold: check !== undefined,
    notManifoldReason,
    genus: check?.genus,
    triangles: mesh.indices.length / 3,
    vertices: mesh.positions.length / 3,
    sliversCollapsed,
    volumeMm3: round(check?.volumeMm3 ?? signedVolume(mesh), 3),
    boundingBoxMm: box,
    orientation,
    thinWall: analysis.thinWall && {
      sampledFaces: analysis.thinWall.sampledFaces,
      minMm: round(analysis.thinWall.minMm, 3),
      p5Mm: round(analysis.thinWall.p5Mm, 3),
      medianMm: round(analysis.thinWall.medianMm, 3),
    },
    overhang: {
      thresholdDeg: analysis.overhang.thresholdDeg,
      areaMm2: round(analysis.overhang.areaMm2, 2),
      fraction: round(analysis.overhang.fraction, 4),
      bedContactMm2: round(analysis.bedContact.areaMm2, 2),
    },
    bedContact: { areaMm2: round(analysis.bedContact.areaMm2, 2), widthMm: round(analysis.bedContact.widthMm, 3) },
    buildVolumeMm: params.buildVolumeMm,
    fitsBuildVolume: fits,
    verdict: verdict(
      check,
      harmfulCrossings(after, repairs),
      fits,
      box.size,
      params,
      imported.unit,
      analysis.thinWall?.p5Mm,
      analysis.bedContact,
      touchingEdges > 0 && params.formats.includes('stl'),
    ),
    stagesMs: timer.stagesMs,
    totalMs: Math.round(deps.clock() - started),
    peakMemoryMb: timer.peakMemoryBytes ? Math.round(timer.peakMemoryBytes / 1048576) : undefined,
    outputs: artifacts.map((a) => ({ name: a.name, bytes: a.byteLength })),
    notes: imported.notes,
    warnings,
  };
  artifacts.push(bytesArtifact('report.json', CONTENT_TYPES.json, new TextEncoder().encode(JSON.stringify(report, null, 2))));
  deps.onProgress?.({ stage: 'done', percent: 100 });
  return { mesh, artifacts, report };
}

/** Whether nothing fixed the model's size: no --units, no target size, no unit declared in the file (GLB's metres are often not meant). */
function sizeIsOpen(fileUnit: ImportedMesh['unit'], params: MeshJobParams): boolean {
  return (
    params.units === undefined && fileUnit !== 'millimeter' && params.targetSizeMm === undefined && params.targetHeightMm === undefined
  );
}

/** mm per file unit: the user's --units, else the file's declaration (GLB: metres by the spec). */
function unitScale(fileUnit: string, params: MeshJobParams, warnings: string[]): number {
  if (params.units) {
    if (fileUnit === 'millimeter') {
      warnings.push(`the file declares its unit (converted to mm on import); --units ${params.units} was ignored`);
      return 1;
    }
    return MM_PER_UNIT[params.units];
  }
  return fileUnit === 'meter' ? 1000 : 1;
}

function measures(mesh: Mesh, indexed: boolean, crossings: SelfIntersections): MeshMeasures {
  return withGeometry(measureDefects(mesh, indexed), mesh, crossings);
}

/**
 * Non-manifold edges once equal positions are welded (as an STL reader would). When no two
 * vertices share a position the weld changes nothing (same ids, same indices), so the indexed
 * count already measured is the answer and its edge topology is not built a second time.
 */
function positionWeldedNonManifoldEdges(mesh: Mesh, indexed: DefectCounts): number {
  const welded = weldExact(mesh);
  return welded.merged === 0 ? indexed.nonManifoldEdges : measureDefects(welded.mesh, true).nonManifoldEdges;
}

function withGeometry(defects: DefectCounts, mesh: Mesh, crossings: SelfIntersections): MeshMeasures {
  return {
    ...defects,
    selfIntersections: crossings.pairs,
    ...(crossings.capped ? { selfIntersectionsCapped: true } : {}),
    volumeMm3: round(signedVolume(mesh), 3),
    boundingBoxMm: roundedBox(boundingBox(mesh)),
  };
}

/** The crossings the verdict counts: all of them, less those repair found harmless (touching). */
function harmfulCrossings(m: MeshMeasures, log: RepairLog | undefined): SelfIntersections {
  const harmless = log && !log.remeshedByLevelSet ? log.selfIntersectionsHarmless : 0;
  return { pairs: Math.max(0, m.selfIntersections - harmless), capped: m.selfIntersectionsCapped === true };
}

function crossingsOf(m: MeshMeasures): SelfIntersections {
  return { pairs: m.selfIntersections, capped: m.selfIntersectionsCapped === true };
}

function remainingCrossings(log: RepairLog): SelfIntersections {
  return { pairs: log.selfIntersectionsRemaining, capped: !log.remeshedByLevelSet && log.selfIntersectionsCapped };
}

/** Crossings of a region no deeper than this are the surface touching itself: kept (repair's harmlessCrossingDepth). */
const HARMLESS_CROSSING_MM = 0.05;

/** mm per input unit once placed: the unit scale and, when asked, the target size's (from the imported box). */
function mmPerUnit(mesh: Mesh, scaleToMm: number, params: MeshJobParams): number {
  const size = boxSize(boundingBox(mesh)).map((v) => v * scaleToMm);
  let scale = scaleToMm;
  if (params.targetHeightMm !== undefined && size[2] > 0) scale *= params.targetHeightMm / size[2];
  else if (params.targetSizeMm !== undefined && Math.max(...size) > 0) scale *= params.targetSizeMm / Math.max(...size);
  return scale > 0 && Number.isFinite(scale) ? scale : 1;
}

/**
 * Longest side (mm) under which a model with thin walls, from a file that declares no unit, is
 * more likely drawn in another unit (metres, centimetres, inches) than thin: the report says so
 * first. Corpus: Blender's Suzanne exported in metres is 2.7 "mm" across, an inch CAD part 5 "mm".
 */
const SMALL_MODEL_MM = 10;

function verdict(
  check: SolidCheck | undefined,
  crossings: SelfIntersections,
  fits: boolean,
  size: number[],
  params: MeshJobParams,
  fileUnit: ImportedMesh['unit'],
  wallP5: number | undefined,
  contact: BedContact,
  stlTouching: boolean,
): MeshReport['verdict'] {
  const reasons: string[] = [];
  // The STL's file is then no strict solid: a slicer welds by position and meets an edge of four faces.
  if (stlTouching)
    reasons.push(
      'as STL, parts touch along an edge that an STL cannot keep apart (a slicer reads an edge of four faces): export 3MF, or move the parts apart or join them in a modeller',
    );
  if (!check)
    reasons.push(
      'not a closed solid (gaps in the surface, edges where more than two faces meet, or faces turned inside out); repair it first',
    );
  else if (check.volumeMm3 <= 0) reasons.push('encloses no volume');
  // (A model smaller than a wall gets the size reason below, not this one.)
  else if (
    Math.max(...size) >= params.minWallMm &&
    (contact.areaMm2 < FLAT_BASE_DEFAULTS.minContactMm2 || contact.widthMm < FLAT_BASE_DEFAULTS.minContactWidthMm)
  ) {
    const touch = `${Number(contact.areaMm2.toPrecision(2))} mm² (${Number(contact.widthMm.toPrecision(2))} mm wide) at the first layer`;
    reasons.push(
      params.orient === 'flat-base'
        ? `no orientation gives it a flat base: at best it touches the bed on only ${touch}, where a slicer extrudes nothing; cut a flat base in a modeller or with the slicer's cut tool, or print it on a raft with supports`
        : `it touches the bed on only ${touch}: a point or an edge, where a slicer extrudes nothing; use --orient flat-base (orient: flat-base) to stand it on its largest flat face`,
    );
  }
  if (crossings.pairs > 0) {
    reasons.push(
      `the surface crosses itself (${crossings.capped ? 'at least ' : ''}${crossings.pairs} pairs of faces); slicers may fill or drop what the crossing parts enclose: ${params.mode === 'repair' ? 'fix the crossing faces in a modeller' : 'run --mode repair to rebuild it as one solid'}`,
    );
  }
  if (!fits)
    reasons.push(`${size.map((v) => v.toFixed(1)).join(' x ')} mm does not fit the ${params.buildVolumeMm.join(' x ')} mm build volume`);
  const longest = Math.max(...size);
  const across = `the model is only ${Number(longest.toPrecision(2))} mm across`;
  // A unit hint helps only when nothing fixed the size: no --units, no target size, no unit in the file.
  const unitOpen = sizeIsOpen(fileUnit, params);
  const thin = wallP5 !== undefined && wallP5 < params.minWallMm;
  if (longest < params.minWallMm) {
    // Smaller than one wall: "walls are thin" would be true and useless.
    reasons.push(
      `${across}, smaller than the ${params.minWallMm} mm minimum wall: ${unitOpen ? 'is the file in metres, centimetres or inches? set its unit (--units) or a target size (--target-size-mm)' : 'set a larger target size'}`,
    );
  } else if (thin && unitOpen && longest < SMALL_MODEL_MM) {
    reasons.push(
      `${across} and 5% of its surface is on walls under ${round(wallP5, 3)} mm (minimum ${params.minWallMm} mm): if the file is not in millimetres, set its unit (--units cm, m or in)`,
    );
  } else if (thin) {
    reasons.push(`walls are thin: 5% of the surface is on walls under ${round(wallP5, 3)} mm, below the ${params.minWallMm} mm minimum`);
  }
  return { printable: reasons.length === 0, reasons };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function longestSide(mesh: Mesh): number {
  const { min, max } = boundingBox(mesh);
  return Math.max(max[0] - min[0], max[1] - min[1], max[2] - min[2]);
}
