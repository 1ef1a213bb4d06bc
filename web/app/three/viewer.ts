/**
 * A three.js viewer in print-bed coordinates (millimetres, Z up): a bed grid with 1/10 mm lines and
 * labelled ticks along two edges, the model's bounding-box size, OrbitControls (mouse, touch and
 * keyboard arrows), rendering on demand. Used by the live preview and by the result page.
 */
import {
  AmbientLight,
  Box3,
  BufferGeometry,
  CanvasTexture,
  Color,
  DirectionalLight,
  Float32BufferAttribute,
  Group,
  HemisphereLight,
  LineBasicMaterial,
  LineSegments,
  type Material,
  type Mesh,
  type Object3D,
  PerspectiveCamera,
  Scene,
  Sprite,
  SpriteMaterial,
  SRGBColorSpace,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export interface ViewerOptions {
  /** Accessible name for the canvas (role="img"). */
  label: string;
  background?: number;
}

export class Viewer {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(40, 1, 0.1, 10_000);
  private readonly controls: OrbitControls;
  private readonly bed = new Group();
  private readonly content = new Group();
  private readonly resize: ResizeObserver;
  private frame = 0;
  private framedSize = 0;
  private bedHalf = 0;
  private readonly dark: boolean;

  constructor(
    readonly container: HTMLElement,
    options: ViewerOptions,
  ) {
    this.dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'viewer-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', options.label);
    this.canvas.tabIndex = 0;
    container.append(this.canvas);
    this.renderer = new WebGLRenderer({ canvas: this.canvas, antialias: true, alpha: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.scene.background = new Color(options.background ?? (this.dark ? 0x1b2330 : 0xeef2f7));
    this.camera.up.set(0, 0, 1);
    this.scene.add(new HemisphereLight(0xffffff, 0x667788, 1.1));
    this.scene.add(new AmbientLight(0xffffff, 0.2));
    // A low key light rakes across the surface, so a 0.8-3 mm relief reads as relief.
    const key = new DirectionalLight(0xffffff, 2.6);
    key.position.set(-1, -0.45, 0.7);
    this.scene.add(key);
    const rim = new DirectionalLight(0xffffff, 0.8);
    rim.position.set(1, 1, 0.6);
    this.scene.add(rim);
    this.scene.add(this.bed, this.content);

    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = false;
    this.controls.listenToKeyEvents(this.canvas);
    this.controls.addEventListener('change', () => this.requestRender());

    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(container);
    this.fit();
  }

  /** Replaces the shown model; the viewer disposes the previous one. */
  setModel(object: Object3D | null, options: { reframe?: boolean } = {}): { size: Vector3 } {
    disposeTree(this.content);
    this.content.clear();
    const size = new Vector3();
    if (object) {
      this.content.add(object);
      const box = new Box3().setFromObject(object);
      box.getSize(size);
      const longest = Math.max(size.x, size.y, size.z, 1);
      // Keep the view while a parameter nudges the size; reframe when the bed would change or
      // the model grew or shrank a lot (a new kind of result).
      const changed = bedHalfFor(size) !== this.bedHalf || Math.abs(longest - this.framedSize) / longest > 0.2;
      if (options.reframe || changed || this.framedSize === 0) {
        this.buildBed(size);
        this.frameCamera(box);
        this.framedSize = longest;
      }
    }
    this.requestRender();
    return { size };
  }

  private buildBed(size: Vector3): void {
    disposeTree(this.bed);
    this.bed.clear();
    const half = bedHalfFor(size);
    this.bedHalf = half;
    const step = half > 120 ? 50 : half > 60 ? 20 : 10;
    const minor: number[] = [];
    const major: number[] = [];
    const fine = half <= 80 ? 1 : 5;
    for (let v = -half; v <= half + 1e-6; v += fine) {
      const target = Math.abs(Math.round(v) % 10) === 0 ? major : minor;
      target.push(v, -half, 0, v, half, 0, -half, v, 0, half, v, 0);
    }
    const lines = (data: number[], color: number, opacity: number) => {
      const g = new BufferGeometry();
      g.setAttribute('position', new Float32BufferAttribute(data, 3));
      const m = new LineBasicMaterial({ color, transparent: true, opacity, depthWrite: false });
      const l = new LineSegments(g, m);
      l.renderOrder = -1;
      return l;
    };
    const lineColor = this.dark ? 0x9fb3c8 : 0x5b6b7f;
    this.bed.add(lines(minor, lineColor, 0.18), lines(major, lineColor, 0.5));
    // Ticks with labels along the front (x) and left (y) edges.
    const ticks: number[] = [];
    for (let v = -half; v <= half + 1e-6; v += step) {
      ticks.push(v, -half, 0, v, -half - half * 0.03, 0, -half, v, 0, -half - half * 0.03, v, 0);
      const labelX = this.label(`${v + half}`, half * 0.06);
      labelX.position.set(v, -half - half * 0.09, 0);
      const labelY = this.label(`${v + half}`, half * 0.06);
      labelY.position.set(-half - half * 0.1, v, 0);
      this.bed.add(labelX, labelY);
    }
    this.bed.add(lines(ticks, lineColor, 0.9));
    const unit = this.label('mm', half * 0.07);
    unit.position.set(half + half * 0.08, -half - half * 0.09, 0);
    this.bed.add(unit);
  }

  private label(text: string, heightMm: number): Sprite {
    const canvas = document.createElement('canvas');
    const px = 48;
    const ctx = canvas.getContext('2d')!;
    ctx.font = `600 ${px}px system-ui, sans-serif`;
    canvas.width = Math.ceil(ctx.measureText(text).width) + 16;
    canvas.height = px + 16;
    ctx.font = `600 ${px}px system-ui, sans-serif`;
    ctx.fillStyle = this.dark ? '#dbe6f3' : '#243447';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillText(text, canvas.width / 2, canvas.height / 2);
    const texture = new CanvasTexture(canvas);
    texture.colorSpace = SRGBColorSpace;
    const sprite = new Sprite(new SpriteMaterial({ map: texture, depthWrite: false, transparent: true }));
    sprite.scale.set((heightMm * canvas.width) / canvas.height, heightMm, 1);
    return sprite;
  }

  /** Frames the model and most of the bed (so the mm labels are in view), from the front left. */
  private frameCamera(box: Box3): void {
    const centre = box.getCenter(new Vector3());
    const size = box.getSize(new Vector3());
    const radius = Math.max(size.length() / 2, this.bedHalf * 0.95, 10);
    const fov = (this.camera.fov * Math.PI) / 180;
    const fitHeight = radius / Math.sin(fov / 2);
    const fitWidth = radius / Math.sin(Math.atan(Math.tan(fov / 2) * this.camera.aspect));
    const distance = Math.max(fitHeight, fitWidth);
    const dir = new Vector3(0.3, -1, 1.05).normalize();
    centre.z = Math.min(centre.z, size.z / 2);
    this.camera.position.copy(centre).addScaledVector(dir, distance * 0.92);
    this.camera.near = distance / 100;
    this.camera.far = distance * 20;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
  }

  private fit(): void {
    const width = this.container.clientWidth || 300;
    const height = this.container.clientHeight || Math.round(width * 0.75);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderer.render(this.scene, this.camera);
    });
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.controls.dispose();
    disposeTree(this.content);
    disposeTree(this.bed);
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.canvas.remove();
  }
}

/** Half the bed's side in mm: the model's footprint with a margin, in 10 mm steps, at least 30. */
function bedHalfFor(size: Vector3): number {
  return Math.max(30, Math.ceil((Math.max(size.x, size.y) * 0.7) / 10) * 10);
}

export function disposeTree(root: Object3D): void {
  root.traverse((node) => {
    const mesh = node as Mesh;
    mesh.geometry?.dispose();
    const materials = (Array.isArray(mesh.material) ? mesh.material : mesh.material ? [mesh.material] : []) as Material[];
    for (const m of materials) {
      (m as Material & { map?: { dispose(): void } }).map?.dispose();
      m.dispose();
    }
  });
}
