/**
 * The lazy half of <stl-viewer>: three.js, the GLB (EXT_meshopt_compression + KHR_mesh_quantization,
 * decoded by three's MeshoptDecoder), orbit controls and auto-rotation. Loaded by a dynamic import
 * from widget.ts, so a page that never scrolls to the viewer never downloads any of it.
 *
 * - Our meshes are Z-up millimetres under a 0.001 node scale; the scene turns them Y-up, stands
 *   them on y = 0 and looks from the same 3/4 view (azimuth -40°, elevation 35°) and in the same
 *   blue as the server's poster, so the hand-over from picture to 3D does not jump.
 * - Frames are drawn only while something moves (auto-rotate, damping, a drag): an idle or
 *   off-screen viewer costs nothing.
 * - Auto-rotate pauses while the user interacts and resumes a few seconds later; with
 *   prefers-reduced-motion it never starts.
 */
import {
  Box3,
  Color,
  DirectionalLight,
  GridHelper,
  Group,
  HemisphereLight,
  Mesh,
  MeshStandardMaterial,
  PerspectiveCamera,
  Scene,
  Sphere,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';

export interface Viewer {
  /** Triangles decoded from the GLB. */
  readonly triangles: number;
  /** Returns whether wireframe is now on. */
  toggleWireframe(): boolean;
  /** Stops drawing while off screen. */
  setVisible(visible: boolean): void;
  dispose(): void;
}

export interface ViewerOptions {
  onFirstFrame(): void;
}

const MODEL_COLOR = '#649cde'; // the preview renderer's modelColor [100, 156, 222]
const AZIMUTH = (-40 * Math.PI) / 180;
const ELEVATION = (35 * Math.PI) / 180;
const FOV = 30;
/** Fraction of the view left around the model, as the poster does. */
const FIT_MARGIN = 0.1;
const RESUME_AFTER_MS = 4000;
const AUTO_ROTATE_SPEED = 1.2; // OrbitControls units: 2 = one turn per 30 s at 60 fps

export async function createViewer(canvas: HTMLCanvasElement, glb: ArrayBuffer, options: ViewerOptions): Promise<Viewer> {
  const renderer = new WebGLRenderer({ canvas, antialias: true, alpha: true, powerPreference: 'low-power' });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));

  const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
  const gltf = await loader.parseAsync(glb, '');

  const material = new MeshStandardMaterial({ color: new Color(MODEL_COLOR), roughness: 0.75, metalness: 0, flatShading: true });
  let triangles = 0;
  gltf.scene.traverse((object) => {
    if (object instanceof Mesh) {
      const old = object.material as MeshStandardMaterial | MeshStandardMaterial[];
      for (const m of Array.isArray(old) ? old : [old]) m.dispose();
      object.material = material;
      const index = object.geometry.index;
      triangles += (index ? index.count : object.geometry.attributes.position.count) / 3;
    }
  });

  // Z-up (print bed) to three's Y-up, then stand it on the floor, centred.
  const model = new Group();
  model.rotation.x = -Math.PI / 2;
  model.add(gltf.scene);
  const world = new Group();
  world.add(model);
  world.updateMatrixWorld(true);
  const box = new Box3().setFromObject(world);
  const centre = box.getCenter(new Vector3());
  world.position.set(-centre.x, -box.min.y, -centre.z);
  world.updateMatrixWorld(true);
  box.setFromObject(world);
  const sphere = box.getBoundingSphere(new Sphere());

  const scene = new Scene();
  scene.add(world);
  scene.add(new HemisphereLight(0xffffff, 0x8a94a6, 1.6));
  const key = new DirectionalLight(0xffffff, 2.2);
  key.position.set(-1, 2, 1.5).multiplyScalar(sphere.radius * 4);
  scene.add(key);
  const fill = new DirectionalLight(0xffffff, 0.6);
  fill.position.set(1.5, 0.5, -1).multiplyScalar(sphere.radius * 4);
  scene.add(fill);

  // A faint print bed under it, as on the poster: 10 mm squares (50 mm for big parts). World units
  // are metres (the GLB's node scale).
  const footprint = Math.max(box.max.x - box.min.x, box.max.z - box.min.z);
  const cell = footprint > 0.3 ? 0.05 : 0.01;
  const cells = Math.max(4, Math.ceil((footprint * 1.6) / cell));
  const bed = new GridHelper(cells * cell, cells, 0x96a0af, 0xb8c0cc);
  for (const m of [bed.material].flat()) Object.assign(m, { transparent: true, opacity: 0.45, depthWrite: false });
  scene.add(bed);

  const camera = new PerspectiveCamera(FOV, 1, sphere.radius / 100, sphere.radius * 100);
  // The poster's eye direction (Z-up model coordinates) turned Y-up: (x, y, z) -> (x, z, -y).
  const eye = new Vector3(-Math.cos(ELEVATION) * Math.sin(AZIMUTH), Math.sin(ELEVATION), Math.cos(ELEVATION) * Math.cos(AZIMUTH));
  const target = box.getCenter(new Vector3());

  const controls = new OrbitControls(camera, canvas);
  controls.target.copy(target);
  controls.enableDamping = true;
  controls.dampingFactor = 0.12;
  controls.enablePan = false;
  controls.minDistance = sphere.radius * 0.5;
  controls.maxDistance = sphere.radius * 12;
  controls.autoRotateSpeed = AUTO_ROTATE_SPEED;
  controls.listenToKeyEvents(canvas);

  // Fit the box's corners (not its bounding sphere: a flat plate would look tiny) with a margin.
  const right = new Vector3()
    .crossVectors(eye, new Vector3(0, 1, 0))
    .negate()
    .normalize();
  const up = new Vector3().crossVectors(right, eye).negate().normalize();
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
    new Vector3(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z).sub(target),
  );
  const fitDistance = () => {
    const tanV = Math.tan((FOV * Math.PI) / 360) * (1 - FIT_MARGIN);
    const tanH = tanV * camera.aspect;
    let distance = sphere.radius * 0.5;
    for (const c of corners) {
      const towardEye = c.dot(eye);
      distance = Math.max(distance, towardEye + Math.abs(c.dot(right)) / tanH, towardEye + Math.abs(c.dot(up)) / tanV);
    }
    return distance;
  };
  const fit = () => {
    const width = canvas.clientWidth || 1;
    const height = canvas.clientHeight || 1;
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  fit();
  camera.position.copy(target).addScaledVector(eye, fitDistance());
  camera.updateProjectionMatrix();
  controls.update();

  // Motion: auto-rotate unless the reader asked for less motion; paused by any interaction.
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)');
  let interacting = false;
  let resumeTimer: ReturnType<typeof setTimeout> | undefined;
  const wantsRotation = () => !reducedMotion?.matches && !interacting && resumeTimer === undefined;
  const updateRotation = () => {
    controls.autoRotate = wantsRotation();
    wake();
  };

  let visible = true;
  let running = false;
  let idleFrames = 0;
  let firstFrame = true;
  const tick = () => {
    const moved = controls.update();
    renderer.render(scene, camera);
    if (firstFrame) {
      firstFrame = false;
      options.onFirstFrame();
    }
    idleFrames = moved || controls.autoRotate || interacting ? 0 : idleFrames + 1;
    if (idleFrames > 2 || !visible) stop();
  };
  function wake() {
    if (running || !visible) return;
    running = true;
    idleFrames = 0;
    renderer.setAnimationLoop(tick);
  }
  function stop() {
    running = false;
    renderer.setAnimationLoop(null);
  }

  const onStart = () => {
    interacting = true;
    clearTimeout(resumeTimer);
    resumeTimer = undefined;
    updateRotation();
  };
  const onEnd = () => {
    interacting = false;
    clearTimeout(resumeTimer);
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      updateRotation();
    }, RESUME_AFTER_MS);
    updateRotation();
  };
  controls.addEventListener('start', onStart);
  controls.addEventListener('end', onEnd);
  controls.addEventListener('change', wake);
  reducedMotion?.addEventListener?.('change', updateRotation);

  const resize = new ResizeObserver(() => {
    fit();
    wake();
    if (!running) renderer.render(scene, camera);
  });
  resize.observe(canvas);

  updateRotation();
  wake();
  // A viewer that starts with reduced motion still needs its first frame.
  if (!running) tick();

  return {
    triangles,
    toggleWireframe() {
      material.wireframe = !material.wireframe;
      wake();
      if (!running) renderer.render(scene, camera);
      return material.wireframe;
    },
    setVisible(next) {
      visible = next;
      if (visible) wake();
      else stop();
    },
    dispose() {
      stop();
      clearTimeout(resumeTimer);
      resize.disconnect();
      reducedMotion?.removeEventListener?.('change', updateRotation);
      controls.dispose();
      scene.traverse((object) => {
        if (object instanceof Mesh) object.geometry.dispose();
      });
      material.dispose();
      renderer.dispose();
    },
  };
}
