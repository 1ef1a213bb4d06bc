/** Every fuzz target by name (the regression test finds a saved input's target from its file name). */
import type { FuzzTarget } from './harness.ts';
import { HTTP_TARGETS } from './targets-http.ts';
import { IMAGE_TARGETS } from './targets-image.ts';
import { MESH_TARGETS } from './targets-mesh.ts';

export const ALL_TARGETS: Array<FuzzTarget<any>> = [...MESH_TARGETS, ...IMAGE_TARGETS, ...HTTP_TARGETS];

/** "read-mesh-123.bin" -> read-mesh: the longest target name followed by "-". */
export function targetOfFile(file: string): FuzzTarget<any> | undefined {
  return ALL_TARGETS.filter((t) => file.startsWith(`${t.name}-`)).sort((a, b) => b.name.length - a.name.length)[0];
}
