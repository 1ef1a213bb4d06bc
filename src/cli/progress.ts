/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export interface ProgressBar {
  update(stage: string, percent: number): void;
  finish(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr, enabled = stream.isTTY === true): ProgressBar {
  if (!enabled) return { update: () => {}, finish: () => {} };
  const width = 28;
  let last = '';
  return {
    update(stage, percent) {
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
