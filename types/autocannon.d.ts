// autocannon ships no types; the bench uses its promise API and these fields of the result.
declare module 'autocannon' {
  interface Percentiles {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    /** Runs the client in worker threads, off the event loop of the server under test. */
    workers?: number;
  }
  interface Result {
    latency: Percentiles;
    requests: Percentiles & { sent: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
