/**
 * `npm run bench:capacity`: what one Container instance does per hour, and what 1,000 jobs cost on
 * Cloudflare, from the pipeline's measured CPU time for the default job (issue 13).
 *
 * Method: one process runs the default lithophane (`{ mode: 'lithophane' }`, every other parameter
 * at its default: STL + previews) of a 1024² picture — the corpus photo when present, else the
 * generated photo-like PNG — CAPACITY_RUNS times (default 5) after one warm-up run, measuring
 * process.cpuUsage() (user + system: the CPU a container is billed for) and wall time around each
 * pipeline call, and the process's peak RSS (what one worker needs in memory). The median run is
 * the one the table uses. CPU time, unlike wall time, does not grow when other processes share the
 * cores, so the figure holds on a loaded machine.
 *
 * Table: per instance type, jobs at once = min(vCPU rounded down (at least 1), memory / (peak RSS ×
 * MEMORY_HEADROOM)), the headroom for the container's OS, the HTTP server and a larger-than-usual picture;
 * jobs per instance-hour = 3600 × min(vCPU, jobs at once) / CPU-seconds per job (a CPU-bound job on a
 * fractional vCPU runs proportionally longer). Cost of 1,000 jobs: CPU billed on active use
 * (CPU-seconds × $0.000020) plus provisioned memory for the wall time those jobs hold the instance
 * ($0.0000025 per GiB-s), plus the per-job platform operations listed in PLATFORM_OPS (requests, D1
 * rows, R2 operations and storage, Queue operations, Durable Object requests) at the published prices
 * in PRICES. Writes bench/results/capacity.json and prints a markdown table.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import sharp from 'sharp';
import { nodePipelineDeps } from '../src/node/pipeline-deps.ts';
import { resolveImageParams } from '../src/pipeline/params.ts';
import { runImagePipeline } from '../src/pipeline/run-pipeline.ts';
import { photoLikePng } from './photo-like.ts';

const PHOTO = new URL('../../shared/corpus/images/real/2569067123_aca715a2ee_o.jpg', import.meta.url);
const RUNS = Math.max(1, Math.min(20, Number(process.env.CAPACITY_RUNS ?? 5) || 5));

/** Published prices (USD), read December 2026; the doc cites each page. */
export const PRICES = {
  containerVcpuSecond: 0.00002,
  containerGibSecond: 0.0000025,
  workersRequestPerMillion: 0.3,
  workersCpuMsPerMillion: 0.02,
  d1RowsReadPerMillion: 0.001,
  d1RowsWrittenPerMillion: 1.0,
  r2ClassAPerMillion: 4.5,
  r2ClassBPerMillion: 0.36,
  r2StorageGbMonth: 0.015,
  queueOpsPerMillion: 0.4,
  doRequestsPerMillion: 0.15,
  doGbSecondPerMillion: 12.5,
};

/** Cloudflare Containers instance types (developers.cloudflare.com/containers/platform/limits/). */
export const INSTANCE_TYPES = [
  { name: 'lite', vcpu: 1 / 16, memoryMiB: 256 },
  { name: 'basic', vcpu: 1 / 4, memoryMiB: 1024 },
  { name: 'standard-1', vcpu: 1 / 2, memoryMiB: 4096 },
  { name: 'standard-2', vcpu: 1, memoryMiB: 6144 },
  { name: 'standard-3', vcpu: 2, memoryMiB: 8192 },
  { name: 'standard-4', vcpu: 4, memoryMiB: 12288 },
];

/**
 * Platform operations of one default job on the Workers path (an estimate from the code paths, not a
 * meter reading: the lead replaces it with cfcore's counted figures when the job path lands).
 * Requests: POST /uploads, POST /jobs, ~10 GET /jobs/:id polls, 2 downloads. D1: the job's batches
 * (queue, start, ~6 stage writes, succeed) and the reads behind auth and polls. R2: the upload and
 * ~4 outputs written, the upload read once by the container and the outputs read by 2 downloads.
 * Queue: one message (write + read + delete). DO: the job object's requests (start, ~8 progress
 * events, finish) and the rate limiter's 3 hits.
 */
export const PLATFORM_OPS = {
  workerRequests: 14,
  workerCpuMs: 14 * 5,
  d1RowsRead: 14 * 20,
  d1RowsWritten: 40,
  r2ClassA: 5,
  r2ClassB: 3,
  /** Months the upload and outputs are kept (the free plan's 30-day retention); their size is measured. */
  r2StorageMonths: 1,
  queueOps: 3,
  doRequests: 13,
  doGbSeconds: 2 * 0.128,
};

function peakRssMiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function picture(): Promise<{ bytes: Uint8Array; source: string }> {
  if (existsSync(PHOTO)) {
    const bytes = await sharp(readFileSync(PHOTO)).resize(1024, 1024, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
    return { bytes: new Uint8Array(bytes), source: 'corpus photo 2569067123 resized to 1024² JPEG q92' };
  }
  return { bytes: await photoLikePng(1024), source: 'generated photo-like 1024² PNG (bench/photo-like.ts)' };
}

/** Room above one job's measured peak RSS (the container's OS, the server, a bigger picture than the bench's). */
const MEMORY_HEADROOM = 1.25;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function measure() {
  const { bytes, source } = await picture();
  const params = resolveImageParams({ mode: 'lithophane' });
  const deps = await nodePipelineDeps();
  const runs: Array<{ cpuMs: number; wallMs: number }> = [];
  let triangles = 0;
  let storedBytes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await runImagePipeline(bytes, params, deps);
    // Serialise every artifact as the container would before storing it.
    storedBytes = bytes.byteLength;
    for (const a of result.artifacts) for (const chunk of a.chunks()) storedBytes += chunk.byteLength;
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    triangles = Number((result.report as { triangles?: number }).triangles ?? 0);
    if (i > 0) runs.push({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs }); // run 0 warms the JIT and WASM
  }
  return { source, runs, triangles, storedBytes, peakRssMiB: peakRssMiB() };
}

export function capacityTable(cpuSeconds: number, perJobMiB: number) {
  return INSTANCE_TYPES.map((t) => {
    const byMemory = Math.floor(t.memoryMiB / (perJobMiB * MEMORY_HEADROOM));
    const atOnce = Math.min(Math.max(1, Math.floor(t.vcpu)), byMemory);
    if (atOnce === 0) return { instance: t.name, vcpu: t.vcpu, memoryMiB: t.memoryMiB, fits: false as const };
    const cpuShare = Math.min(t.vcpu, atOnce);
    const jobsPerHour = (3600 * cpuShare) / cpuSeconds;
    const wallPerJobS = cpuSeconds / (cpuShare / atOnce);
    // Per 1,000 jobs: CPU billed on use; memory provisioned while the instance works through them.
    const instanceSeconds = (1000 / jobsPerHour) * 3600;
    const cpuUsd = 1000 * cpuSeconds * PRICES.containerVcpuSecond;
    const memoryUsd = instanceSeconds * (t.memoryMiB / 1024) * PRICES.containerGibSecond;
    const provisionedCpuUsd = instanceSeconds * t.vcpu * PRICES.containerVcpuSecond;
    return {
      instance: t.name,
      vcpu: t.vcpu,
      memoryMiB: t.memoryMiB,
      fits: true as const,
      jobsAtOnce: atOnce,
      wallPerJobS: round(wallPerJobS, 1),
      jobsPerInstanceHour: Math.floor(jobsPerHour),
      containerUsdPer1000: round(cpuUsd + memoryUsd, 3),
      containerUsdPer1000IfCpuProvisioned: round(provisionedCpuUsd + memoryUsd, 3),
    };
  });
}

export function platformUsdPer1000(storedBytesPerJob: number): Record<string, number> {
  const o = PLATFORM_OPS;
  const p = PRICES;
  const per1000 = (count: number, perMillion: number) => round((1000 * count * perMillion) / 1e6, 4);
  const lines = {
    workersRequests: per1000(o.workerRequests, p.workersRequestPerMillion),
    workersCpu: per1000(o.workerCpuMs, p.workersCpuMsPerMillion),
    d1Reads: per1000(o.d1RowsRead, p.d1RowsReadPerMillion),
    d1Writes: per1000(o.d1RowsWritten, p.d1RowsWrittenPerMillion),
    r2ClassA: per1000(o.r2ClassA, p.r2ClassAPerMillion),
    r2ClassB: per1000(o.r2ClassB, p.r2ClassBPerMillion),
    r2Storage: round(1000 * (storedBytesPerJob / 1e9) * o.r2StorageMonths * p.r2StorageGbMonth, 4),
    queues: per1000(o.queueOps, p.queueOpsPerMillion),
    durableObjects: round(per1000(o.doRequests, p.doRequestsPerMillion) + per1000(o.doGbSeconds, p.doGbSecondPerMillion), 4),
  };
  return {
    ...lines,
    total: round(
      Object.values(lines).reduce((a, b) => a + b, 0),
      4,
    ),
  };
}

async function main(): Promise<void> {
  const m = await measure();
  const cpuMs = median(m.runs.map((r) => r.cpuMs));
  const wallMs = median(m.runs.map((r) => r.wallMs));
  const table = capacityTable(cpuMs / 1000, m.peakRssMiB);
  const platform = platformUsdPer1000(m.storedBytes);
  const result = {
    date: new Date().toISOString(),
    cpu: `${cpus().length}× ${cpus()[0]?.model ?? 'unknown'}`,
    load: readFileSync('/proc/loadavg', 'utf8').trim(),
    job: 'default lithophane ({ mode: "lithophane" }, defaults otherwise) of a 1024² picture',
    source: m.source,
    triangles: m.triangles,
    storedMBPerJob: round(m.storedBytes / 1e6, 2),
    runs: m.runs.map((r) => ({ cpuMs: Math.round(r.cpuMs), wallMs: Math.round(r.wallMs) })),
    medianCpuMs: Math.round(cpuMs),
    medianWallMs: Math.round(wallMs),
    peakRssMiB: m.peakRssMiB,
    prices: PRICES,
    platformOpsPerJob: PLATFORM_OPS,
    platformUsdPer1000: platform,
    instances: table,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/capacity.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`median CPU ${Math.round(cpuMs)} ms, wall ${Math.round(wallMs)} ms, peak RSS ${m.peakRssMiB} MiB (${m.runs.length} runs)`);
  console.log('| instance | vCPU | memory | jobs at once | jobs / instance-hour | container $ / 1,000 jobs | + platform $ / 1,000 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of table) {
    if (!row.fits) {
      console.log(
        `| ${row.instance} | ${row.vcpu} | ${row.memoryMiB} MiB | 0 (a job peaks at ${m.peakRssMiB} MiB; ${MEMORY_HEADROOM}× that does not fit) | – | – | – |`,
      );
      continue;
    }
    console.log(
      `| ${row.instance} | ${row.vcpu} | ${row.memoryMiB} MiB | ${row.jobsAtOnce} | ${row.jobsPerInstanceHour} | ${row.containerUsdPer1000} | ${round(row.containerUsdPer1000 + platform.total, 3)} |`,
    );
  }
}

await main();
