/**
 * Create: upload (drag and drop, file picker or camera), choose what to make, adjust parameters
 * with a live 3D preview computed in the browser, see the cost (a dry run), submit.
 */
import { api, ApiError, uploadFile } from '../api.ts';
import type { Job, Upload } from '../api.ts';
import { announce, errorBox, formatBytes, h, mm, nextId } from '../dom.ts';
import { choicesOf, formatsOf, loadModes, startingValues } from '../modes.ts';
import type { Choice, ChoiceInfo, ModeCatalog, NumberSpec, ParamSpec } from '../modes.ts';
import { drawBacklit } from '../backlit.ts';
import { paletteControl } from '../palette.ts';
import { decodePicture } from '../picture.ts';
import type { Picture } from '../picture.ts';
import type { PageContext } from '../router.ts';
import { navigate } from '../router.ts';
import { createCropper } from '../crop.ts';
import { imageUrlField } from '../image-url-field.ts';
import { aspectPresets } from '../crop-presets.ts';
import { EXAMPLES, exampleFile } from '../examples.ts';
import { session } from '../session.ts';
import { signUpToMake } from './create-signed-out.ts';
import { FONT_LICENCE_URL, TextPreview } from '../text/text-preview.ts';
import type { TextModel } from '../text/text-preview.ts';

type Runtime = typeof import('../three/runtime.ts');
type ViewerInstance = InstanceType<Runtime['Viewer']>;

/** Longest side of the logo preview's picture: 0.25% of the width per pixel. */
const LOGO_PREVIEW_SIDE = 400;
const MESH_EXTENSIONS = ['stl', 'obj', 'ply', '3mf', 'glb', 'gltf'];
const ACCEPT = ['image/*', ...MESH_EXTENSIONS.map((e) => `.${e}`)].join(',');

/** What is wrong with a typed number, in words, or null: out of range is said at the field, never priced or sent. */
function rangeProblem(spec: NumberSpec, input: HTMLInputElement): string | null {
  if (input.value === '') return null;
  const value = input.valueAsNumber;
  if (spec.optional && value === 0) return null;
  if (Number.isFinite(value) && value >= spec.min && value <= spec.max) return null;
  return `${spec.label} must be between ${spec.min} and ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}.`;
}

function inputKind(file: File): 'image' | 'mesh' {
  if (file.type.startsWith('image/')) return 'image';
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  return MESH_EXTENSIONS.includes(ext) ? 'mesh' : 'image';
}

/** Whether a choice can be picked with this file: its kind, or text (which reads no file). */
function fitsUpload(choice: ChoiceInfo, kind: 'image' | 'mesh'): boolean {
  return choice.input === kind || choice.input === 'text';
}

export async function createPage(ctx: PageContext) {
  let modes: ModeCatalog;
  try {
    modes = await loadModes();
  } catch (err) {
    const box = errorBox();
    box.show(err instanceof ApiError ? `The modes could not be loaded: ${err.message}` : 'The modes could not be loaded; reload the page.');
    ctx.main.append(h('h1', {}, 'Make something printable'), box);
    return () => undefined;
  }
  // Every default, range, label and preset comes from the server's one catalogue (GET /api/v1/modes).
  const CHOICES = choicesOf(modes);
  const values: Record<string, unknown> = startingValues(modes);
  let choice: ChoiceInfo = CHOICES.find((c) => c.id === ctx.query.get('mode')) ?? CHOICES[0];
  Object.assign(values, choice.defaults);
  let file: File | null = null;
  let upload: Upload | null = null;
  let picture: Picture | null = null;
  /** A finer copy for logo previews: their outline sets the size, so a pixel of 200 would be a 1% error. */
  let logoPicture: Picture | null = null;
  let meshObjectFile: File | null = null;
  let runtime: Runtime | null = null;
  let viewer: ViewerInstance | null = null;
  let textPreview: TextPreview | null = null;
  const formats = new Set(['stl', '3mf']);
  /** Fields whose typed value is out of range: nothing is priced or made until they are corrected. */
  const invalid = new Set<string>();
  let disposed = false;

  // ---- upload
  const fileError = errorBox();
  const uploadStatus = h('p', { class: 'upload-status', 'aria-live': 'polite' });
  const uploadProgress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const fileInput = h('input', { type: 'file', accept: ACCEPT, class: 'visually-hidden', id: nextId('file'), 'data-testid': 'file-input' });
  const cameraInput = h('input', {
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    class: 'visually-hidden',
    id: nextId('camera'),
  });
  const drop = h(
    'div',
    { class: 'dropzone' },
    h(
      'label',
      { for: fileInput.id, class: 'dropzone-label' },
      h('strong', {}, 'Drop a photo, logo or 3D file here'),
      h('span', {}, ' or choose one'),
      h('small', {}, 'JPEG, PNG, WebP, HEIC · STL, OBJ, PLY, 3MF, GLB'),
    ),
    fileInput,
    h('label', { for: cameraInput.id, class: 'button secondary camera-button' }, 'Take a photo'),
    cameraInput,
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f) void takeFile(f);
  });
  // Crop/rotate/straighten: a settled edit becomes the picture that is previewed and uploaded.
  const cropper = createCropper((image) => {
    if (!file) return;
    const name = file.name;
    void takeFile(new File([image], name, { type: image.type }), { cropped: true });
  });
  for (const input of [fileInput, cameraInput]) {
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (f) void takeFile(f);
    });
  }

  // ---- mode
  const modeGroup = h('div', { class: 'choices', role: 'radiogroup', 'aria-labelledby': 'mode-legend' });
  // Text choices read typed text instead of a file: the box shows only for them.
  const textInput = h('textarea', {
    id: nextId('text'),
    rows: 2,
    maxlength: 200,
    placeholder: 'Your name',
    'data-testid': 'text-input',
  });
  const textBox = h(
    'div',
    { class: 'field text-field', hidden: choice.input !== 'text' },
    h('label', { for: textInput.id }, 'Text (one or more lines)'),
    textInput,
  );
  textInput.addEventListener('input', () => {
    schedulePreview();
    scheduleCost();
  });
  const modeFieldset = h(
    'fieldset',
    { class: 'card mode-card' },
    h('legend', { id: 'mode-legend' }, '2. What to make'),
    modeGroup,
    textBox,
  );
  const typedText = () => textInput.value.trim();
  const modeRadios = new Map<Choice, HTMLInputElement>();
  for (const c of CHOICES) {
    const radio = h('input', { type: 'radio', name: 'choice', value: c.id, checked: c.id === choice.id, id: `choice-${c.id}` });
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      choice = c;
      textBox.hidden = c.input !== 'text';
      Object.assign(values, c.defaults);
      renderParams();
      schedulePreview();
      scheduleCost();
    });
    modeRadios.set(c.id, radio);
    modeGroup.append(
      h('div', { class: 'choice' }, radio, h('label', { for: radio.id }, h('strong', {}, c.title), h('small', {}, c.blurb))),
    );
  }

  // ---- parameters
  const paramsBody = h('div', { class: 'params' });
  const formatsBox = h('div', { class: 'formats' });
  for (const [value, label] of formatsOf(modes)) {
    const box = h('input', { type: 'checkbox', value, checked: formats.has(value), id: `format-${value}` });
    box.addEventListener('change', () => {
      if (box.checked) formats.add(value);
      else formats.delete(value);
      scheduleCost();
    });
    formatsBox.append(h('span', { class: 'check' }, box, h('label', { for: box.id }, label)));
  }
  const paramsFieldset = h(
    'fieldset',
    { class: 'card params-card' },
    h('legend', {}, '3. Adjust'),
    paramsBody,
    h(
      'fieldset',
      { class: 'inline' },
      h('legend', {}, 'Files'),
      formatsBox,
      h('small', { class: 'hint' }, 'A GLB for the 3D viewer, a preview picture and the printability report come with every job.'),
    ),
  );

  function control(key: string, spec: ParamSpec): HTMLElement {
    const id = `param-${key}`;
    const hintId = spec.hint ? `${id}-hint` : undefined;
    const hint = spec.hint ? h('small', { class: 'hint', id: hintId }, spec.hint) : null;
    const changed = () => {
      schedulePreview();
      scheduleCost();
    };
    if (spec.kind === 'boolean') {
      const box = h('input', { type: 'checkbox', id, checked: Boolean(values[key]), 'aria-describedby': hintId });
      box.addEventListener('change', () => {
        values[key] = box.checked;
        changed();
      });
      return h('div', { class: 'field check' }, box, h('label', { for: id }, spec.label), hint);
    }
    if (spec.kind === 'palette')
      return paletteControl(id, spec, (values[key] as string[]) ?? spec.value, modes.filaments ?? [], (list) => {
        values[key] = list;
        changed();
      });
    if (spec.kind === 'text') {
      const input = h('input', {
        type: 'text',
        id,
        maxlength: spec.maxLength,
        placeholder: spec.placeholder,
        value: typeof values[key] === 'string' ? values[key] : '',
        autocomplete: 'off',
        'aria-describedby': hintId,
      });
      input.addEventListener('input', () => {
        values[key] = input.value;
        if (key === 'frameText') showFrameForText();
        changed();
      });
      return h('div', { class: 'field text-field' }, h('label', { for: id }, spec.label), input, hint);
    }
    if (spec.kind === 'select') {
      const select = h(
        'select',
        { id, 'aria-describedby': hintId },
        spec.options.map(([v, label]) => h('option', { value: v, selected: values[key] === v }, label)),
      );
      select.addEventListener('change', () => {
        values[key] = select.value;
        changed();
      });
      return h('div', { class: 'field' }, h('label', { for: id }, spec.label), select, hint);
    }
    const current = values[key] as number;
    const labelId = `${id}-label`;
    const fieldError = h('small', { class: 'field-error', id: `${id}-error`, 'data-testid': `field-error-${key}`, hidden: true });
    const number = h('input', {
      type: 'number',
      id,
      min: spec.min,
      max: spec.max,
      step: spec.step,
      value: spec.optional && !current ? '' : current,
      inputmode: 'decimal',
      'aria-describedby': [hintId, fieldError.id].filter(Boolean).join(' '),
      placeholder: spec.optional ? 'keep' : undefined,
    });
    const range = h('input', {
      type: 'range',
      min: spec.sliderMin,
      max: spec.sliderMax,
      step: spec.step,
      value: current || spec.sliderMin,
      'aria-labelledby': labelId,
      tabindex: '-1',
      'aria-hidden': 'true',
    });
    number.addEventListener('input', () => {
      const problem = rangeProblem(spec, number);
      fieldError.textContent = problem ?? '';
      fieldError.hidden = !problem;
      number.setAttribute('aria-invalid', String(Boolean(problem)));
      if (problem) {
        invalid.add(key);
        scheduleCost();
        return;
      }
      invalid.delete(key);
      if (number.value === '' && spec.optional) values[key] = 0;
      else if (Number.isFinite(number.valueAsNumber)) {
        values[key] = number.valueAsNumber;
        range.value = number.value;
      } else return;
      changed();
    });
    range.addEventListener('input', () => {
      number.value = range.value;
      values[key] = Number(range.value);
      changed();
    });
    return h(
      'div',
      { class: 'field number' },
      h('label', { for: id, id: labelId }, spec.label, spec.unit ? h('span', { class: 'unit' }, ` (${spec.unit})`) : null),
      h('div', { class: 'number-row' }, range, number),
      fieldError,
      hint,
    );
  }

  /** Frame text with no frame: the server adds one (geometry.frameText.frameMm); the frame control says so. */
  function showFrameForText(): void {
    const added = modes.geometry.frameText;
    if (!added || !String(values.frameText ?? '').trim() || Number(values.frameMm) > 0 || !choice.params.includes('frameMm')) return;
    const hidden = values.stand && values.frameTextSide !== 'top' ? modes.geometry.stand.embedMm : 0;
    values.frameMm = added.frameMm + hidden;
    const number = paramsBody.querySelector<HTMLInputElement>('#param-frameMm');
    if (!number) return;
    number.value = String(values.frameMm);
    const range = number.parentElement?.querySelector<HTMLInputElement>('input[type=range]');
    if (range) range.value = number.value;
  }

  function renderParams(): void {
    invalid.clear();
    paramsBody.replaceChildren(...choice.params.map((key) => control(key, choice.specs[key])));
    cropper.setPresets(aspectPresets(choice, values));
  }

  // ---- preview
  const viewerBox = h('div', { class: 'viewer', 'data-testid': 'preview' });
  // Lithophanes: a second view, the plate lit from behind.
  const backlitCanvas = h('canvas', {
    class: 'backlit-canvas',
    role: 'img',
    'aria-label': 'The lithophane lit from behind',
    'data-testid': 'backlit-preview',
  });
  const backlitBox = h('div', { class: 'viewer backlit-live', hidden: true }, backlitCanvas);
  let showBacklit = false;
  const viewToggle = h('div', { class: 'tabs view-toggle', role: 'group', 'aria-label': 'Preview view', hidden: true });
  const viewButtons = (['3D', 'Backlit'] as const).map((label) => {
    const b = h('button', { type: 'button', 'aria-pressed': String(label === '3D') }, label);
    b.addEventListener('click', () => {
      showBacklit = label === 'Backlit';
      viewButtons.forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      schedulePreview();
    });
    viewToggle.append(b);
    return b;
  });
  const previewEmpty = h('p', { class: 'viewer-empty' }, 'Your preview appears here.');
  viewerBox.append(previewEmpty);
  const dims = h('p', { class: 'dims', 'aria-live': 'polite' });
  // Lithophane frame text: the preview's letters are rough (the browser's font at preview pitch); say what the print gets.
  const frameTextNote = h('small', { class: 'hint', 'data-testid': 'frame-text-note', hidden: true });
  // Loose pieces are said before paying (issue 15: a keychain in 6 pieces with no warning).
  const piecesWarning = h('p', { class: 'warning', role: 'status', 'data-testid': 'pieces-warning', hidden: true });
  const HOW_TO_TURN = 'Drag to turn, scroll or pinch to zoom; with the view focused, arrow keys pan. ';
  const previewNote = h('small', { class: 'hint' });
  function notePreview(): void {
    if (choice.input === 'text')
      previewNote.replaceChildren(
        HOW_TO_TURN,
        'The preview is the model the server will make, built in your browser by the same code with the same font (Noto Sans Bold, ',
        h('a', { href: FONT_LICENCE_URL, target: '_blank', rel: 'noopener' }, 'SIL Open Font License'),
        ').',
      );
    else
      previewNote.textContent = `${HOW_TO_TURN}The preview is computed in your browser from a small copy of the picture; the server meshes at print resolution.`;
  }
  notePreview();

  /** The size readout every preview shows (tests read data-size-mm and data-parts). */
  function showSize(sizeMm: readonly number[], parts: number, countPieces: boolean): void {
    viewer?.canvas.setAttribute('aria-label', `Live 3D preview: ${choice.title.toLowerCase()}, ${sizeMm.map((s) => mm(s)).join(' × ')}`);
    const pieces = countPieces ? `, ${parts} piece${parts === 1 ? '' : 's'}` : '';
    dims.textContent = `About ${mm(sizeMm[0])} × ${mm(sizeMm[1])} × ${mm(sizeMm[2])} (width × depth × height)${pieces}`;
    dims.dataset.sizeMm = sizeMm.join(',');
    dims.dataset.parts = String(parts);
  }

  function clearSize(message: string): void {
    dims.textContent = message;
    delete dims.dataset.sizeMm;
    delete dims.dataset.parts;
  }

  // Text: the worker builds the solid with the server's own text pipeline (web/app/text).
  function previewText(): void {
    textPreview ??= new TextPreview({
      model: showTextModel,
      failed: (message) => {
        if (choice.input !== 'text') return;
        viewer?.setModel(null);
        clearSize(`No preview: ${message.replace(/^[a-z]+: /, '')}`);
      },
      busy: (busy) => (busy ? viewerBox.setAttribute('aria-busy', 'true') : viewerBox.removeAttribute('aria-busy')),
    });
    textPreview.warm();
    if (!typedText()) {
      // Fetch the viewer's code meanwhile too (the browser keeps the module for ensureViewer).
      void import('../three/runtime.ts').catch(() => undefined);
      textPreview.reset();
      viewerBox.removeAttribute('aria-busy');
      viewer?.setModel(null);
      clearSize('Type some text to see it in 3D.');
      return;
    }
    const { text: _text, formats: _formats, ...params } = jobParams();
    textPreview.update(textInput.value, params);
  }

  async function showTextModel(model: TextModel): Promise<void> {
    const v = await ensureViewer();
    if (disposed || choice.input !== 'text' || !typedText()) return;
    v.setModel(runtime!.textObject(model.positions, model.indices, model.sizeMm, model.plateMm));
    showSize(model.sizeMm, model.parts, true);
  }

  let previewFrame = 0;
  function schedulePreview(): void {
    // Busy from the change itself, not from the next frame: the readout is stale until the worker answers.
    if (choice.input === 'text' && typedText()) viewerBox.setAttribute('aria-busy', 'true');
    if (previewFrame) return;
    previewFrame = requestAnimationFrame(() => {
      previewFrame = 0;
      void updatePreview();
    });
  }

  async function ensureViewer(): Promise<ViewerInstance> {
    runtime ??= await import('../three/runtime.ts');
    if (!viewer && !disposed) {
      previewEmpty.remove();
      viewer = new runtime.Viewer(viewerBox, { label: 'Live 3D preview of the model' });
    }
    return viewer!;
  }

  async function updatePreview(): Promise<void> {
    notePreview();
    if (choice.input !== 'text') {
      textPreview?.reset();
      viewerBox.removeAttribute('aria-busy');
    }
    const litho = choice.mode === 'lithophane' && choice.input === 'image' && Boolean(picture);
    frameTextNote.hidden = true;
    viewToggle.hidden = !litho;
    backlitBox.hidden = !(litho && showBacklit);
    viewerBox.hidden = litho && showBacklit;
    piecesWarning.hidden = true;
    if (litho && showBacklit)
      drawBacklit(
        backlitCanvas,
        picture!,
        values as unknown as Parameters<typeof drawBacklit>[2],
        modes.geometry.lithophaneAttenuationPerMm,
        modes.filaments?.find((f) => f.id === values.filament),
      );
    if (choice.input === 'image' && picture) {
      const v = await ensureViewer();
      if (disposed) return;
      const params = { ...values, ...choice.fixed, mode: choice.mode, geometry: modes.geometry } as Record<string, unknown>;
      // A lamp shade is sized by its diameter: the picture wraps the circumference, as the server resolves it.
      if (params.shape === 'cylinder' && typeof params.diameterMm === 'number' && params.diameterMm > 0)
        params.widthMm = Math.PI * params.diameterMm;
      const logo = choice.mode === 'extrude' ? (logoPicture ?? picture) : picture;
      const { object, sizeMm, parts } = runtime!.previewObject(logo, params as unknown as Parameters<Runtime['previewObject']>[1]);
      v.setModel(object);
      showSize(sizeMm, parts, choice.mode === 'extrude');
      const frameText = choice.params.includes('frameText') ? String(values.frameText ?? '').trim() : '';
      frameTextNote.hidden = !frameText;
      if (frameText) {
        const relief = modes.geometry.frameText?.reliefMm ?? 1;
        frameTextNote.textContent = `“${frameText}” is ${values.frameTextStyle === 'raised' ? 'raised' : 'engraved'} ${relief} mm on the ${values.frameTextSide === 'top' ? 'top' : 'bottom'} of the frame, in Noto Sans Bold; the preview draws it roughly.`;
      }
      if (choice.mode === 'extrude' && parts > 1) {
        piecesWarning.textContent = `This makes ${parts} separate pieces that print loose${choice.params.includes('basePlateMm') ? '; a base plate (1.2 mm, say) joins them into one' : ''}.`;
        piecesWarning.hidden = false;
      }
    } else if (choice.input === 'mesh' && file && inputKind(file) === 'mesh') {
      const v = await ensureViewer();
      if (disposed || meshObjectFile === file) return;
      meshObjectFile = file;
      try {
        const object = await runtime!.loadMeshFile(file);
        const { size } = v.setModel(object, { reframe: true });
        dims.textContent = `As the file is: ${size.x.toFixed(1)} × ${size.y.toFixed(1)} × ${size.z.toFixed(1)} units`;
      } catch {
        dims.textContent = 'This file cannot be previewed in the browser; the server will still read it.';
      }
    } else if (choice.input === 'text') {
      previewText();
    } else if (viewer) {
      viewer.setModel(null);
      clearSize(file ? `“${choice.title}” needs ${choice.input === 'mesh' ? 'a 3D file' : 'a picture'}.` : '');
    }
  }

  // ---- cost and submit
  const cost = h('p', { class: 'cost', 'aria-live': 'polite', 'data-testid': 'cost' }, 'Upload a file to see the cost.');
  // The dry run's estimate says when the model fits the build volume only turned (a refusal arrives as the cost's error).
  const plateWarning = h('p', { class: 'warning', role: 'status', 'data-testid': 'plate-warning', hidden: true });
  const submitError = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary big', disabled: true }, 'Make it');
  let costSeq = 0;
  let costTimer = 0;
  let costOk = false;
  const priced = new Map<string, { cost: number; balance: number; estimate?: { warnings?: string[] } }>();

  function jobParams(): Record<string, unknown> {
    const params: Record<string, unknown> = { ...choice.fixed };
    for (const key of choice.params) {
      const spec = choice.specs[key];
      const value = values[key];
      if (spec.kind === 'number' && spec.optional && !value) continue;
      if (spec.kind === 'select' && value === '') continue;
      if (spec.kind === 'text' && !String(value ?? '').trim()) continue;
      params[key] = value;
    }
    params.formats = [...formats, 'glb'];
    if (choice.input === 'text') params.text = textInput.value;
    return params;
  }

  function scheduleCost(): void {
    window.clearTimeout(costTimer);
    costOk = false;
    updateSubmit();
    if (invalid.size > 0) {
      costSeq++; // a price on its way is for the old value
      cost.textContent = 'Correct the marked value to see the cost.';
      return;
    }
    if (choice.input === 'text' ? !typedText() : !upload) return;
    costTimer = window.setTimeout(() => void priceIt(), 500);
  }

  async function priceIt(): Promise<void> {
    const text = choice.input === 'text';
    if (text ? !typedText() : !upload) return;
    if (upload && !text && upload.kind !== choice.input) {
      cost.textContent = `${choice.title} needs ${choice.input === 'mesh' ? 'a 3D file' : 'a picture'}; this upload is ${upload.kind === 'mesh' ? 'a 3D file' : 'a picture'}.`;
      return;
    }
    const seq = ++costSeq;
    const request = { mode: choice.mode, uploadId: text ? undefined : upload?.id, params: jobParams(), dryRun: true };
    const key = JSON.stringify(request);
    if (!priced.has(key)) cost.textContent = 'Working out the cost…';
    try {
      const body =
        priced.get(key) ?? (await api.post<{ cost: number; balance: number; estimate?: { warnings?: string[] } }>('/api/v1/jobs', request));
      priced.set(key, body);
      if (seq !== costSeq) return;
      const warnings = body.estimate?.warnings ?? [];
      plateWarning.hidden = warnings.length === 0;
      plateWarning.textContent = warnings.map((w) => w.replace(/^./, (c) => c.toUpperCase())).join(' ');
      const enough = body.balance >= body.cost;
      cost.replaceChildren(
        h('strong', {}, `${body.cost} credit${body.cost === 1 ? '' : 's'}`),
        ` · you have ${body.balance}. `,
        ...(enough ? [] : [h('a', { href: '/credits', 'data-link': true }, 'Buy credits')]),
      );
      costOk = enough;
      submit.textContent = `Make it (${body.cost} credit${body.cost === 1 ? '' : 's'})`;
    } catch (err) {
      if (seq !== costSeq) return;
      plateWarning.hidden = true;
      cost.textContent = err instanceof ApiError ? err.message : 'The cost could not be worked out.';
      costOk = false;
    }
    updateSubmit();
  }

  function updateSubmit(): void {
    submit.disabled =
      invalid.size > 0 || (choice.input === 'text' ? !(typedText() && costOk) : !(upload && costOk && upload.kind === choice.input));
  }

  const form = h(
    'form',
    {
      class: 'create-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const text = choice.input === 'text';
        if (text ? !typedText() : !upload) return;
        submitError.show(null);
        submit.disabled = true;
        submit.setAttribute('aria-busy', 'true');
        try {
          const body = await api.post<{ job: Job }>(
            '/api/v1/jobs',
            { mode: choice.mode, uploadId: text ? undefined : upload?.id, params: jobParams() },
            { headers: { 'idempotency-key': crypto.randomUUID() } },
          );
          announce('Job started');
          navigate(`/jobs/${body.job.id}`);
        } catch (err) {
          submitError.show(err instanceof ApiError ? err.message : 'The job could not be started.');
          submit.removeAttribute('aria-busy');
          updateSubmit();
        }
      },
    },
    h(
      'div',
      { class: 'create-controls' },
      h(
        'section',
        { class: 'card upload-card', 'aria-labelledby': 'upload-heading' },
        h('h2', { id: 'upload-heading' }, '1. Your file'),
        drop,
        imageUrlField((f, fetched) => void takeFile(f, { uploaded: fetched })),
        cropper.element,
        uploadProgress,
        uploadStatus,
        fileError,
      ),
      modeFieldset,
      paramsFieldset,
    ),
    h(
      'div',
      { class: 'create-preview sticky' },
      h(
        'section',
        { class: 'card preview-card', 'aria-labelledby': 'preview-heading' },
        h('div', { class: 'section-head' }, h('h2', { id: 'preview-heading' }, 'Preview'), viewToggle),
        viewerBox,
        backlitBox,
        dims,
        frameTextNote,
        piecesWarning,
        previewNote,
      ),
      h(
        'section',
        { class: 'card submit-card', 'aria-labelledby': 'cost-heading' },
        h('h2', { id: 'cost-heading' }, '4. Cost'),
        cost,
        plateWarning,
        submitError,
        submit,
      ),
    ),
  );

  /** `uploaded`: the server holds this file already (fetched by URL); `cropped`: an edit of the current picture. */
  async function takeFile(f: File, options: { cropped?: boolean; uploaded?: Upload } = {}): Promise<void> {
    if (!options.cropped) {
      if (inputKind(f) === 'image') void cropper.load(f, f.type).catch(() => cropper.clear());
      else cropper.clear();
    }
    file = f;
    upload = null;
    picture = null;
    logoPicture = null;
    fileError.show(null);
    costOk = false;
    updateSubmit();
    const kind = inputKind(f);
    const wanted = CHOICES.find((c) => c.input === kind && c.id === choice.id) ?? CHOICES.find((c) => c.input === kind)!;
    if (wanted.id !== choice.id) {
      choice = wanted;
      modeRadios.get(wanted.id)!.checked = true;
      renderParams();
    }
    // Choices for another kind of file close; text choices read no file and stay open.
    for (const [id, radio] of modeRadios) radio.disabled = !fitsUpload(CHOICES.find((c) => c.id === id)!, kind);
    if (!session.user) {
      // Signed out: everything up to the preview happens here, in the browser; making it needs an account.
      uploadStatus.textContent = `Previewing ${f.name} (${formatBytes(f.size)}) in your browser.`;
      cost.replaceChildren(...signUpToMake());
    } else uploadStatus.textContent = `Uploading ${f.name} (${formatBytes(f.size)})…`;
    uploadProgress.hidden = false;
    uploadProgress.value = 0;
    const decoding =
      kind === 'image'
        ? decodePicture(f).then(
            (p) => (picture = p),
            () => {
              if (file === f)
                dims.textContent = 'This browser cannot decode the picture for a preview (HEIC, say); the server will still read it.';
              return null;
            },
          )
        : Promise.resolve(null);
    void decoding.then(() => file === f && schedulePreview());
    if (!session.user) {
      if (kind === 'image')
        void decodePicture(f, LOGO_PREVIEW_SIDE).then(
          (p) => file === f && ((logoPicture = p), schedulePreview()),
          () => undefined,
        );
      return;
    }
    if (kind === 'image')
      void decodePicture(f, LOGO_PREVIEW_SIDE).then(
        (p) => {
          if (file !== f) return;
          logoPicture = p;
          schedulePreview();
        },
        () => undefined,
      );
    try {
      const result = options.uploaded ?? (await uploadFile(f, (fraction) => (uploadProgress.value = fraction)));
      if (file !== f) return;
      upload = result;
      uploadProgress.hidden = true;
      const size =
        result.width && result.height
          ? `, ${result.width} × ${result.height} px`
          : result.triangles
            ? `, ${result.triangles.toLocaleString()} triangles`
            : '';
      uploadStatus.textContent = `Uploaded ${result.originalName} (${formatBytes(result.byteSize)}${size}).`;
      announce('Upload finished');
      if (result.kind && result.kind !== kind) {
        for (const [id, radio] of modeRadios) radio.disabled = !fitsUpload(CHOICES.find((c) => c.id === id)!, result.kind);
        const first = CHOICES.find((c) => c.input === result.kind)!;
        choice = first;
        modeRadios.get(first.id)!.checked = true;
        renderParams();
      }
      schedulePreview();
      scheduleCost();
    } catch (err) {
      if (file !== f) return;
      uploadProgress.hidden = true;
      uploadStatus.textContent = '';
      fileError.show(err instanceof ApiError ? `The upload failed: ${err.message}` : 'The upload failed.');
      cost.textContent = 'Upload a file to see the cost.';
    }
  }

  renderParams();
  const example = EXAMPLES.find((e) => e.id === ctx.query.get('example'));
  if (example)
    void exampleFile(example).then(
      (f) => {
        if (!disposed) void takeFile(f);
      },
      () => undefined,
    );
  if (!session.user) cost.replaceChildren(...signUpToMake());
  ctx.main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Make something printable'),
      h('p', { class: 'lede' }, 'Upload a picture or a 3D file, pick what to make, and watch the preview as you adjust it.'),
    ),
    form,
  );

  return () => {
    disposed = true;
    cancelAnimationFrame(previewFrame);
    window.clearTimeout(costTimer);
    textPreview?.dispose();
    viewer?.dispose();
  };
}
