/**
 * Preloaded by `npm start` (`node --import`): Node's compile cache keeps each module's stripped
 * and compiled code between starts (in the OS temp folder), so a restart does not strip and parse
 * the ~700 modules of the server again. Measured on a 2-core machine at load 9: importing the
 * server took 1.5-1.65 s of CPU without the cache and 1.0-1.3 s with it (December 2026).
 */
import module from 'node:module';

module.enableCompileCache?.();
