/**
 * Which AI providers and job modes this server can offer, from configuration alone (keys present,
 * AI_PROVIDER preference). Meshy and Tripo do image- and text-to-3D; the fal models we use
 * (TRELLIS, Hunyuan3D-2, TripoSR) are image-to-3D only.
 */
import type { AiConfig, AiProviderName } from '../../config.ts';
import { AI_PROVIDER_NAMES } from '../../config.ts';

export type AiMode = 'ai-image' | 'ai-text';

const MODES: Record<AiProviderName, readonly AiMode[]> = {
  meshy: ['ai-image', 'ai-text'],
  tripo: ['ai-image', 'ai-text'],
  fal: ['ai-image'],
};

/** Providers with a key, the preferred one first. */
export function configuredProviders(ai: AiConfig): AiProviderName[] {
  const keyed = AI_PROVIDER_NAMES.filter((name) =>
    Boolean(name === 'meshy' ? ai.meshyApiKey : name === 'tripo' ? ai.tripoApiKey : ai.falKey),
  );
  return ai.preferred && keyed.includes(ai.preferred) ? [ai.preferred, ...keyed.filter((n) => n !== ai.preferred)] : keyed;
}

export function providerModes(name: AiProviderName): readonly AiMode[] {
  return MODES[name];
}

export function availableAiModes(ai: AiConfig): ReadonlySet<AiMode> {
  return new Set(configuredProviders(ai).flatMap((name) => MODES[name]));
}
