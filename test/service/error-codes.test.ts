/** One closed list of error codes, each with exactly one HTTP status, and the pipeline's codes carry none. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { HTTP_STATUS_OF } from '../../src/http/error-status.ts';
import { PipelineError, PIPELINE_ERROR_CODES } from '../../src/pipeline/errors.ts';

describe('error codes', () => {
  it('are unique and each has a 4xx or 5xx status', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      expect(HTTP_STATUS_OF[code], code).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS_OF[code], code).toBeLessThan(600);
    }
    expect(Object.keys(HTTP_STATUS_OF).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('include every pipeline code; a pipeline error carries a code and no status', () => {
    for (const code of PIPELINE_ERROR_CODES) expect(ERROR_CODES).toContain(code);
    const error = new PipelineError('mesh_corrupt', 'bad', 'import');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'mesh_corrupt', message: 'bad', stage: 'import' });
    expect('status' in error).toBe(false);
  });
});
