/**
 * Polls a server's /healthz every `everyMs` from a thread of its own, so what it measures is the
 * server's answer time, not the test process's own event loop (busy sending the probes' bodies).
 */
import { Worker } from 'node:worker_threads';

const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const latencies = [];
let polling = true;
parentPort.on('message', () => (polling = false));
(async () => {
  while (polling) {
    const started = performance.now();
    const res = await fetch(workerData.url);
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, workerData.everyMs));
  }
  parentPort.postMessage(latencies);
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

export interface HealthzPoller {
  /** Stops polling; resolves to every latency measured, in ms. */
  stop(): Promise<number[]>;
}

export function pollHealthz(baseUrl: string, everyMs = 20): HealthzPoller {
  const worker = new Worker(POLLER, { eval: true, workerData: { url: `${baseUrl}/healthz`, everyMs } });
  const result = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (message: number[] | { error: string }) =>
      Array.isArray(message) ? resolve(message) : reject(new Error(message.error)),
    );
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      try {
        return await result;
      } finally {
        await worker.terminate();
      }
    },
  };
}
