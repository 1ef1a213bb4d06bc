/**
 * GET /api/v1/modes: every mode, its presets and the fields each offers, with type, unit, default,
 * accepted range, label and help, from the one catalogue the server validates jobs with. Public and
 * cacheable: it changes only with a deploy.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import { modeCatalog } from '../services/modes.ts';

const OptionSchema = z.object({ value: z.string(), label: z.string() });
const FieldSchema = z
  .object({
    type: z.enum(['number', 'boolean', 'choice', 'list', 'size3', 'colour', 'text']),
    label: z.string(),
    help: z.string().optional(),
    unit: z.string().optional(),
    default: z.union([z.number(), z.boolean(), z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
    step: z.number().optional(),
    slider: z.array(z.number()).length(2).optional(),
    options: z.array(OptionSchema).optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    itemPattern: z.string().optional().openapi({ description: 'List items outside the options must match this pattern' }),
    maxLength: z.number().optional().openapi({ description: 'type text: one line of at most this many characters' }),
    placeholder: z.string().optional().openapi({ description: 'type text: an example an empty box shows' }),
  })
  .openapi('ModeField', {
    description: 'One parameter: no default means optional. The API accepts min..max; slider is the span a form offers.',
  });
const PresetSchema = z.object({
  id: z.string(),
  title: z.string(),
  blurb: z.string(),
  fixed: z.record(z.string(), z.unknown()).openapi({ description: 'Parameters the preset implies' }),
  defaults: z.record(z.string(), z.unknown()).openapi({ description: 'Starting values over the fields’ defaults' }),
  fields: z.array(z.string()).openapi({ description: 'The fields offered, in order' }),
});
const CatalogSchema = z
  .object({
    modes: z.array(
      z.object({
        mode: z.string(),
        title: z.string(),
        input: z.enum(['image', 'mesh']),
        fieldSet: z.enum(['image', 'mesh']),
        presets: z.array(PresetSchema),
      }),
    ),
    fields: z.object({ image: z.record(z.string(), FieldSchema), mesh: z.record(z.string(), FieldSchema) }),
    filaments: z
      .array(z.object({ id: z.string(), name: z.string(), hex: z.string(), tdMm: z.number() }))
      .openapi({ description: 'The filament library of the colour modes: colour and transmission distance (TD, mm)' }),
    geometry: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Fixed geometry the pipeline adds (plate margin, keychain ring, stand), mm' }),
  })
  .openapi('ModeCatalog');

export function modesRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/modes',
      tags: ['jobs'],
      summary: 'Modes, presets and their parameters: type, unit, default, range, label and help',
      responses: { 200: { description: 'The catalogue', content: { 'application/json': { schema: CatalogSchema } } } },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=3600');
      return c.json(modeCatalog() as z.infer<typeof CatalogSchema>, 200);
    },
  );
  return app;
}
