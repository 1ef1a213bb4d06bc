/**
 * Options of the extrude stage, their defaults, and the checks that turn nonsense into
 * `invalid_parameters` before any WASM object exists.
 */
import { PipelineError } from '../errors.ts';
import { COOKIE_CUTTER_DEFAULTS } from './cookie-cutter.ts';
import type { CookieCutterOptions } from './cookie-cutter.ts';
import { KEYCHAIN_DEFAULTS } from './keychain.ts';
import type { KeychainOptions } from './keychain.ts';

export interface ExtrudeOptions {
  /** x size of the logo's outline, mm; y follows the aspect ratio. A base-plate margin, keychain tab or
   *  cookie-cutter wall/flange extend beyond it. */
  widthMm: number;
  /** Height of the raised logo above the base plate (or the bed), mm. */
  heightMm: number;
  /** Thickness of a plate under the logo, mm; 0 = no plate. */
  basePlateMm: number;
  /** How far the plate reaches beyond the logo, mm. */
  basePlateMarginMm: number;
  /** 'outline' follows the logo's outer outline (holes filled), 'rectangle' is its bounding box. */
  basePlateShape: 'outline' | 'rectangle';
  /** Brightness below which a pixel is ink (0..1). Ignored when the heightmap has an alpha mask. */
  threshold: number;
  /** Ink is the bright part (light logo on a dark background). */
  invert: boolean;
  /** Douglas–Peucker tolerance on the outline, mm. */
  simplifyToleranceMm: number;
  /** Islands and holes smaller than this are dropped (specks below the nozzle), mm². */
  minFeatureAreaMm2: number;
  /** Adds a tab with a hole for a key ring. */
  keychain?: Partial<KeychainOptions>;
  /** Makes a cookie cutter from the outer outline instead of a solid logo. */
  cookieCutter?: Partial<CookieCutterOptions>;
}

export const EXTRUDE_DEFAULTS: ExtrudeOptions = {
  widthMm: 50,
  heightMm: 3,
  basePlateMm: 0,
  basePlateMarginMm: 2,
  basePlateShape: 'outline',
  threshold: 0.5,
  invert: false,
  simplifyToleranceMm: 0.05,
  minFeatureAreaMm2: 0.16,
};

export interface ResolvedExtrudeOptions extends Omit<ExtrudeOptions, 'keychain' | 'cookieCutter'> {
  keychain?: KeychainOptions;
  cookieCutter?: CookieCutterOptions;
}

export function resolveExtrudeOptions(options: Partial<ExtrudeOptions>): ResolvedExtrudeOptions {
  const merged = { ...EXTRUDE_DEFAULTS, ...options };
  const resolved: ResolvedExtrudeOptions = {
    ...merged,
    keychain: options.keychain ? { ...KEYCHAIN_DEFAULTS, ...options.keychain } : undefined,
    cookieCutter: options.cookieCutter ? { ...COOKIE_CUTTER_DEFAULTS, ...options.cookieCutter } : undefined,
  };
  const problems: string[] = [];
  const positive = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be > 0 (got ${value})`);
  };
  const nonNegative = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value >= 0)) problems.push(`${name} must be ≥ 0 (got ${value})`);
  };
  positive('widthMm', resolved.widthMm);
  positive('heightMm', resolved.heightMm);
  nonNegative('basePlateMm', resolved.basePlateMm);
  nonNegative('basePlateMarginMm', resolved.basePlateMarginMm);
  nonNegative('simplifyToleranceMm', resolved.simplifyToleranceMm);
  nonNegative('minFeatureAreaMm2', resolved.minFeatureAreaMm2);
  if (!(resolved.threshold > 0 && resolved.threshold < 1)) problems.push(`threshold must be in (0, 1) (got ${resolved.threshold})`);
  if (resolved.basePlateShape !== 'outline' && resolved.basePlateShape !== 'rectangle') {
    problems.push(`basePlateShape must be 'outline' or 'rectangle' (got ${String(resolved.basePlateShape)})`);
  }
  if (resolved.keychain) {
    positive('keychain.holeDiameterMm', resolved.keychain.holeDiameterMm);
    positive('keychain.ringWidthMm', resolved.keychain.ringWidthMm);
  }
  if (resolved.cookieCutter) {
    positive('cookieCutter.wallMm', resolved.cookieCutter.wallMm);
    positive('cookieCutter.heightMm', resolved.cookieCutter.heightMm);
    nonNegative('cookieCutter.flangeMm', resolved.cookieCutter.flangeMm);
    nonNegative('cookieCutter.flangeHeightMm', resolved.cookieCutter.flangeHeightMm);
    if (resolved.keychain) problems.push('a cookie cutter cannot also be a keychain');
    if (resolved.basePlateMm > 0) problems.push('a cookie cutter has no base plate (its inside must stay open)');
  }
  if (problems.length > 0) {
    throw new PipelineError('invalid_parameters', `extrude: ${problems.join('; ')}`, 'extrude', { problems });
  }
  return resolved;
}
