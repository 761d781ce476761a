// The pixel classification workflow on a real viewer model, with the in-thread engine (the
// code each Web Worker runs): scribbles of two classes on nuclei2d give a segmentation with
// foreground F1 >= 0.85 against the ground truth, probabilities and uncertainty; one class
// gives a message and no training; classes can be added, renamed, recoloured and removed.
import { PixelWorkerHost } from '../../../compute/pixel/engine';
import { ImageLayer } from '../../../viewer/model/imageLayer';
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import { haveReference, runPython } from '../../../viewer/model/__tests__/pythonReference';
import { foregroundF1, SCRIBBLES as SCRIBBLE_SCRIPT } from '../../../core/forest/__tests__/scribbles';
import { PixelSession, SCRIBBLES, SEGMENTATION, UNCERTAINTY } from '../pixelSession';

function load() {
  const { meta, bytes } = runPython<{ shape: [number, number] }>(SCRIBBLE_SCRIPT + `
sys.stdout.write(json.dumps({"shape": [h, w]}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(tifffile.imread(os.path.join(root, "nuclei2d/image.tif")).astype(np.uint16).tobytes() + (lab > 0).astype(np.uint8).tobytes() + scrib.tobytes())`, { seed: 0 });
  const [h, w] = meta.shape;
  const n = h * w;
  return {
    h,
    w,
    image: new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 2 * n)),
    truth: bytes.slice(2 * n, 3 * n),
    scribbles: bytes.slice(3 * n, 4 * n)
  };
}


const maybe = haveReference ? describe : describe.skip;

maybe('pixel classification session', () => {
  const data = load();
  let model: ViewerModel;
  let session: PixelSession;
  const messages: string[] = [];

  beforeEach(() => {
    model = new ViewerModel();
    model.addImage({ dtype: 'uint16', shape: [data.h, data.w], data: data.image }, { name: 'nuclei' });
    session = new PixelSession(model, [new PixelWorkerHost(), new PixelWorkerHost()]);
    session.events = { message: text => messages.push(text) };
    session.live = false; // the test calls train() itself
    session.start();
  });
  afterEach(() => session.dispose());

  it('segments nuclei2d from ground-truth scribbles (F1 >= 0.85) with probabilities and uncertainty', async () => {
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    scribbles.writeRegion([0, 0], { dtype: 'uint8', shape: [data.h, data.w], data: data.scribbles });
    const result = await session.train();
    expect(result).not.toBeNull();
    const seg = model.layers.find(l => l.name === SEGMENTATION) as LabelsLayer;
    const score = foregroundF1(seg.data.data as Uint8Array, 2, data.truth);
    // eslint-disable-next-line no-console
    console.log(`session F1 ${score.toFixed(4)}, OOB ${result?.forest.oobAccuracy.toFixed(4)}, ${result?.nSamples} samples, ${result?.ms.toFixed(0)} ms`);
    expect(score).toBeGreaterThanOrEqual(0.85);
    expect(result?.counts[0]).toBeGreaterThan(0);
    expect(result?.forest.importances.length).toBe(result?.featureNames.length);
    const u = model.layers.find(l => l.name === UNCERTAINTY) as ImageLayer;
    expect(u).toBeInstanceOf(ImageLayer);
    const p = model.layers.find(l => l.name === 'probability: foreground') as ImageLayer;
    const probs = p.data.data as Float32Array;
    const segData = seg.data.data as Uint8Array;
    for (let i = 0; i < probs.length; i += 997) expect(segData[i] === 2).toBe(probs[i] > 0.5); // two classes: ties go to the first
    const regions = session.uncertainRegions(3);
    expect(regions.length).toBe(3);
    expect(regions[0].score).toBeGreaterThanOrEqual(regions[2].score);
    const doc = session.exportClassifier();
    expect(doc.trees.length).toBe(100);
    expect(doc.classes.map(c => c.name)).toEqual(['background', 'foreground']);
  }, 120000);

  it('does not train on one class, and says which class has no scribbles', async () => {
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    const one = Uint8Array.from(data.scribbles, v => (v === 2 ? 2 : 0));
    scribbles.writeRegion([0, 0], { dtype: 'uint8', shape: [data.h, data.w], data: one });
    expect(await session.train()).toBeNull();
    expect(messages.pop()).toMatch(/scribble at least two classes to train \(no scribbles yet for "background"\)/);
    expect(model.layers.find(l => l.name === SEGMENTATION)).toBeUndefined();
  });

  it('adds, renames, recolours and removes classes, moving later scribbles down', () => {
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    session.addClass('debris', '#00ff00');
    expect(scribbles.colorOf(3)).toEqual([0, 255, 0, 255]);
    session.recolorClass(0, '#ff0000');
    expect(scribbles.colorOf(1)).toEqual([255, 0, 0, 255]);
    session.renameClass(2, 'dirt <script>');
    expect(session.classes[2].name).toBe('dirt <script>');
    expect(() => session.renameClass(1, 'background')).toThrow(/already a class named "background"/);
    expect(() => session.recolorClass(1, 'red')).toThrow(/expected a colour as #rrggbb/);
    const d = scribbles.data.data as Uint8Array;
    d[0] = 3;
    d[1] = 2;
    d[2] = 1;
    session.removeClass(1);
    expect([d[0], d[1], d[2]]).toEqual([2, 0, 1]);
    expect(session.classes.map(c => c.name)).toEqual(['background', 'dirt <script>']);
    expect(() => session.removeClass(0)).toThrow(/at least two classes/);
    // The classes travel with the layer (its label_classes display field): what the kernel saves.
    expect(scribbles.labelClasses).toEqual([
      { name: 'background', color: [255, 0, 0, 255] },
      { name: 'dirt <script>', color: [0, 255, 0, 255] }
    ]);
  });

  it('takes the class names and colours saved with the scribbles layer (after a reload or a kernel restart)', () => {
    session.stop();
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    scribbles.labelClasses = [
      { name: 'cytoplasm', color: [1, 2, 3, 255] },
      { name: 'nucleus', color: [250, 200, 0, 255] },
      { name: ' ', color: [9, 9, 9, 255] } // blank (set from Python): named by its value instead
    ];
    const again = new PixelSession(model, [new PixelWorkerHost()]);
    again.live = false;
    again.start();
    expect(again.classes).toEqual([
      { name: 'cytoplasm', color: '#010203' },
      { name: 'nucleus', color: '#fac800' },
      { name: 'class 3', color: '#090909' }
    ]);
    expect(scribbles.labelClasses.map(c => c.name)).toEqual(['cytoplasm', 'nucleus', 'class 3']);
    again.dispose();
  });

  it('keeps every class of scribbles already there (a reload, a kernel restart): none is left out', async () => {
    session.stop();
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    const d = new Uint8Array(data.scribbles);
    // A third class: a stroke of 3s across the image's top rows (its own kind of pixels there).
    for (let c = 10; c < 200; c++) d[3 * data.w + c] = 3;
    scribbles.writeRegion([0, 0], { dtype: 'uint8', shape: [data.h, data.w], data: d });
    const again = new PixelSession(model, [new PixelWorkerHost()]);
    again.live = false;
    again.start();
    expect(again.classes.map(c => c.name)).toEqual(['background', 'foreground', 'class 3']);
    const result = await again.train();
    expect(result?.counts[2]).toBe(190);
    expect(result?.forest.nClasses).toBe(3);
    again.dispose();
  }, 120000);
});

describe('pixel classification of an nD image', () => {
  it('classifies the slice shown, writing its segmentation only', async () => {
    const [d, h, w] = [3, 64, 64];
    const data = new Float32Array(d * h * w);
    for (let z = 0; z < d; z++) {
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[(z * h + r) * w + c] = (r > 16 && r < 40 && c > 20 && c < 44 ? 200 : 20) + ((r * 7 + c * 13 + z) % 11);
    }
    const model = new ViewerModel();
    model.addImage({ dtype: 'float32', shape: [d, h, w], data }, { name: 'stack' });
    model.dims.currentStep = [1, 0, 0];
    const session = new PixelSession(model, [new PixelWorkerHost()]);
    const said: string[] = [];
    session.events = { message: text => said.push(text) };
    session.live = false;
    session.start();
    expect(session.canUseVolume).toBe(false); // 3 slices cannot take σ = 5 in z
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    const s = scribbles.data.data as Uint8Array;
    for (let c = 24; c < 40; c++) s[(1 * h + 28) * w + c] = 2; // inside the square
    for (let c = 2; c < 60; c++) s[(1 * h + 55) * w + c] = 1; // below it
    scribbles.writeRegion([0, 0, 0], scribbles.data);
    expect(await session.train()).not.toBeNull();
    const seg = (model.layers.find(l => l.name === SEGMENTATION) as LabelsLayer).data.data as Uint8Array;
    expect(seg[(1 * h + 30) * w + 30]).toBe(2);
    expect(seg[(1 * h + 5) * w + 5]).toBe(1);
    expect(seg.subarray(0, h * w).every(v => v === 0)).toBe(true); // slice 0 untouched
    expect(model.layers.find(l => l.name === UNCERTAINTY)).toBeUndefined();
    expect(said.some(m => /"stack" is too thin for these features in 3D \(σ = 5 reaches 27 voxels\): classifying the shown slice/.test(m))).toBe(true);
    session.dispose();
  });
});
