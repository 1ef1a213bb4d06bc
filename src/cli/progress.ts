/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export interface ProgressBar {
  update(stage: string, percent: number): void;
  finish(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr, enabled = stream.isTTY === true): ProgressBar {
  if (!enabled) return { update: () => {}, finish: () => {} };
  const width = 28;
  let last = '';
  let shown = 0; // the bar never moves back
  return {
    update(stage, percent) {
      shown = Math.max(shown, percent);
      percent = shown;
      const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
      const line = `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(percent)).padStart(3)}% ${stage.padEnd(20)}`;
      if (line !== last) stream.write(line);
      last = line;
    },
    finish() {
      if (last) stream.write(`\r${' '.repeat(last.length)}\r`);
    },
  };
}

/** The pipeline's stages fill 0-95%, writing the files 97%, and only the end shows 100%. */
export interface StagedProgress {
  pipeline(stage: string, percent: number): void;
  writing(): void;
  done(): void;
}

const PIPELINE_SHARE = 0.95;

export function createStagedProgress(bar: ProgressBar): StagedProgress {
  return {
    pipeline: (stage, percent) => bar.update(stage, Math.min(100, Math.max(0, percent)) * PIPELINE_SHARE),
    writing: () => bar.update('writing files', 97),
    done: () => bar.update('done', 100),
  };
}
