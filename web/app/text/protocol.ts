/** Messages between the create page and the text preview's worker (text-model.worker.ts). */
export interface TextModelRequest {
  /** Answers carry it back; only the newest request's answer is shown. */
  seq: number;
  text: string;
  /** The job's parameters as the create page would send them, without the text and formats. */
  params: Record<string, unknown>;
}

export type TextModelReply =
  | {
      seq: number;
      ok: true;
      /** The solid, mm, standing on z = 0 with its corner at the origin (as exported). */
      positions: Float32Array;
      indices: Uint32Array;
      sizeMm: [number, number, number];
      parts: number;
      /** The plate's thickness as resolved: what rises above it is the letters (and border). */
      plateMm: number;
      /** Time to build it in the worker. */
      ms: number;
    }
  | { seq: number; ok: false; message: string };
