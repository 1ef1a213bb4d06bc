/**
 * The catalogue of modes, presets and parameter fields (src/pipeline/catalog) as the API serves it:
 * the routes may not import the pipeline, and every client (the web app, scripts) reads the same
 * defaults and limits the server validates with.
 */
import { MODE_CATALOG } from '../pipeline/catalog/modes.ts';
import type { ModeCatalog } from '../pipeline/catalog/modes.ts';

export type { ModeCatalog };

export function modeCatalog(): ModeCatalog {
  return MODE_CATALOG;
}
