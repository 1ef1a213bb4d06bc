/** The issue-16 flags come from the catalogue: thickening (and turning it off), the outline cut and its colour. */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';

function params(...flags: string[]): Record<string, unknown> {
  const request = parseCli(['in.png', '-o', 'out.stl', ...flags]);
  if (typeof request === 'string') throw new Error(request);
  return request.params;
}

describe('CLI flags for printability', () => {
  it('--thicken-to-nozzle and --no-thicken-to-nozzle', () => {
    expect(resolveImageParams(params('--mode', 'extrude', '--thicken-to-nozzle')).thickenToNozzle).toBe(true);
    expect(resolveImageParams(params('--mode', 'extrude', '--keychain')).thickenToNozzle).toBe(true);
    expect(resolveImageParams(params('--mode', 'extrude', '--keychain', '--no-thicken-to-nozzle')).thickenToNozzle).toBe(false);
  });

  it('--outline, --background-colour and --background-tolerance', () => {
    const p = resolveImageParams(
      params('--mode', 'relief', '--outline', 'colour', '--background-colour', '#00ff00', '--background-tolerance', '0.2'),
    );
    expect(p).toMatchObject({ outline: 'colour', backgroundColour: '#00ff00', backgroundTolerance: 0.2 });
    expect(() => resolveImageParams(params('--outline', 'sideways'))).toThrow(/outline must be one of auto, none, alpha, colour/);
  });
});
