import type { Mesh } from '../mesh.ts';

/**
 * What every reader returns: the triangles (a soup or indexed, never welded: repair welds), the
 * unit the coordinates are in, and notes for the report about anything skipped or guessed.
 */
export interface ImportedMesh {
  mesh: Mesh;
  /**
   * 'millimeter': the file declared a unit and we converted to mm (3MF, our own GLB).
   * 'meter': glTF's declared unit, left as is because foreign generators often ignore it.
   * 'unspecified': the format has no unit (STL, OBJ); the pipeline treats it as mm.
   */
  unit: 'millimeter' | 'meter' | 'unspecified';
  /**
   * The up axis the format declares: 'y' for glTF (its spec is Y-up), which the mesh pipeline
   * turns to our Z-up; undefined when the format says nothing (STL, OBJ, PLY; 3MF is Z-up, and so
   * is our own GLB, whose vertices are the print's).
   */
  upAxis?: 'y';
  notes: string[];
}
