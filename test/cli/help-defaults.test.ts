/**
 * `--help` shows each field's default as the catalogue declares it (issue 15: the defaults were
 * hand-written in src/cli and could drift), and `--build-plate-mm` reaches the plate check.
 */
import { describe, expect, it } from 'vitest';
import { parseCli, parseSize3, UsageError } from '../../src/cli/args.ts';
import { HELP } from '../../src/cli/help.ts';
import type { Field } from '../../src/pipeline/catalog/fields.ts';
import { IMAGE_FIELDS } from '../../src/pipeline/catalog/image-fields.ts';
import { MESH_FIELDS } from '../../src/pipeline/catalog/mesh-fields.ts';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The help text from a flag's line up to the next flag's line. */
function entry(flag: string): string {
  const lines = HELP.split('\n');
  const at = lines.findIndex((l) => l.trimStart().startsWith(`--${flag} `) || l.trim() === `--${flag}`);
  if (at < 0) return '';
  let end = at + 1;
  while (end < lines.length && lines[end].startsWith(' '.repeat(24)) && !lines[end].trimStart().startsWith('--')) end++;
  return lines.slice(at, end).join(' ');
}

describe('--help defaults come from the catalogue', () => {
  const numeric = Object.entries(IMAGE_FIELDS).filter(([, f]) => f.type === 'number');
  it.each(numeric.map(([name]) => name))('%s is listed with its catalogue default', (name) => {
    const field: Field = IMAGE_FIELDS[name as keyof typeof IMAGE_FIELDS];
    const text = entry(kebab(name));
    expect(text, `no help line for --${kebab(name)}`).not.toBe('');
    if (field.default !== undefined) expect(text).toContain(`(default ${String(field.default)})`);
  });

  it('choices and mesh flags carry their defaults too', () => {
    expect(entry('shape')).toContain(`(default ${IMAGE_FIELDS.shape.default})`);
    expect(entry('keychain-position')).toContain(`(default ${IMAGE_FIELDS.keychainPosition.default})`);
    expect(entry('min-wall-mm')).toContain(`(default ${MESH_FIELDS.minWallMm.default})`);
    expect(entry('orient')).toContain(`(default ${MESH_FIELDS.orient.default})`);
    expect(entry('build-plate-mm')).toContain(`(default ${IMAGE_FIELDS.buildPlateMm.default.join('x')})`);
  });
});

describe('--build-plate-mm', () => {
  it('reads W×D×H or one number', () => {
    expect(parseSize3('build-plate-mm', '256x256x300')).toEqual([256, 256, 300]);
    expect(parseSize3('build-plate-mm', '180')).toEqual([180, 180, 180]);
    expect(parseSize3('build-plate-mm', '220×220×250')).toEqual([220, 220, 250]);
    expect(() => parseSize3('build-plate-mm', '200x200')).toThrow(UsageError);
    expect(() => parseSize3('build-plate-mm', 'big')).toThrow(UsageError);
  });

  it('becomes the job’s buildPlateMm', () => {
    const request = parseCli(['in.png', '-o', 'out.stl', '--build-plate-mm', '180x180x180']);
    if (typeof request === 'string') throw new Error('expected a request');
    expect(request.params.buildPlateMm).toEqual([180, 180, 180]);
  });
});

describe('--text', () => {
  it('needs no input file and carries the text and font', () => {
    const request = parseCli(['--text', 'Hi', '--text-style', 'sign', '--font', 'my.ttf', '--plate-mm', '3', '-o', 'out.stl']);
    if (typeof request === 'string') throw new Error('expected a request');
    expect(request).toMatchObject({ text: 'Hi', font: 'my.ttf', params: { textStyle: 'sign', plateMm: 3 } });
    expect(() => parseCli(['in.png', '--text', 'Hi', '-o', 'out.stl'])).toThrow(UsageError);
    expect(() => parseCli(['in.png', '--font', 'my.ttf', '-o', 'out.stl'])).toThrow(UsageError);
  });

  it('help lists the text flags with their catalogue defaults', () => {
    expect(entry('text-style')).toContain('(default nameplate)');
    expect(entry('plate-mm')).toContain('(default 2)');
    expect(entry('border-mm')).toContain('(default 1.5)');
  });
});
