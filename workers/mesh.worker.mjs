// Worker threads do not inherit the parent's TypeScript loader (tsx, vitest), so the pool starts
// this plain module, which registers tsx in the thread and then loads the real worker.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./mesh.worker.ts');
export default worker.default;
