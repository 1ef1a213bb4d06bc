import { defineConfig } from 'vitest/config';

// Browser tests (`npm run test:web`): the real server in-process, Debian's Chromium through
// playwright-core (/usr/bin/chromium; `apt-get install -y chromium`), WebGL by SwiftShader.
export default defineConfig({
  test: {
    include: ['test/web/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // One browser at a time: the machine has two cores and SwiftShader renders on the CPU.
    fileParallelism: false,
  },
});
