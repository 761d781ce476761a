// Orthogonal views (src/viewer/model/orthoViews.ts): the planes' axes, the two-way link of
// their dims with the model's, the linked cursor as model operations, and the three planes
// through the cursor of the real nuclei3d stack against numpy indexing in the same test.
import { ndarrayFromBuffer, NDArray } from '../../../core/ndarray';
import { planeOf } from '../../../core/slicing';
import { ImageLayer } from '../imageLayer';
import { LabelsLayer } from '../labelsLayer';
import { OrthoViews, planeOrder } from '../orthoViews';
import { ViewerModel } from '../viewerModel';
import { haveReference, runPython } from './pythonReference';

const volume = (shape: number[]): NDArray => ({ dtype: 'uint16', shape, data: new Uint16Array(shape.reduce((a, b) => a * b, 1)) });

function viewer3d(shape = [31, 61, 57], scale?: number[]): { model: ViewerModel; ortho: OrthoViews; layer: ImageLayer } {
  const model = new ViewerModel();
  const layer = model.addImage(volume(shape), { name: 'stack', scale });
  return { model, ortho: new OrthoViews(model), layer };
}

describe('planeOrder', () => {
  it('puts (depth, col) last for xz and (row, depth) for yz; keeps leading axes', () => {
    expect(planeOrder([0, 1, 2], 'xz')).toEqual([1, 0, 2]);
    expect(planeOrder([0, 1, 2], 'yz')).toEqual([2, 1, 0]);
    expect(planeOrder([0, 1, 2, 3], 'xz')).toEqual([0, 2, 1, 3]);
    expect(planeOrder([3, 0, 2, 1], 'yz')).toEqual([3, 1, 2, 0]);
    expect(planeOrder([1, 0], 'xz')).toEqual([1, 0]); // no depth in 2D
  });
});

describe('OrthoViews', () => {
  it('shows (z, x) and (y, z) of a (z, y, x) stack, with the model ranges and labels', () => {
    const { model, ortho } = viewer3d();
    model.dims.axisLabels = ['z', 'y', 'x'];
    expect(ortho.depthAxis).toBe(0);
    expect(ortho.xz.dims.displayed).toEqual([0, 2]);
    expect(ortho.yz.dims.displayed).toEqual([1, 0]);
    for (const view of [ortho.xz, ortho.yz]) {
      expect(view.dims.range).toEqual(model.dims.range);
      expect(view.dims.axisLabels).toEqual(['z', 'y', 'x']);
      expect(view.dims.currentStep).toEqual(model.dims.currentStep);
    }
  });

  it('links steps both ways: a slider move reaches the planes, a plane move reaches the model', () => {
    const { model, ortho } = viewer3d();
    model.dims.setCurrentStep(0, 3);
    expect(ortho.xz.dims.currentStep[0]).toBe(3);
    expect(ortho.yz.dims.currentStep[0]).toBe(3);
    let modelSignals = 0;
    model.dims.stepChanged.connect(() => modelSignals++);
    ortho.xz.dims.setCurrentStep(1, 40);
    expect(model.dims.currentStep[1]).toBe(40);
    expect(ortho.yz.dims.currentStep[1]).toBe(40);
    expect(modelSignals).toBe(1);
  });

  it('setCursor moves both displayed axes of the plane in one step change; cursorIn reads it back', () => {
    const { model, ortho } = viewer3d();
    const steps: number[][] = [];
    model.dims.stepChanged.connect(() => steps.push(model.dims.currentStep));
    // XZ: rows are z, columns x; world (12.4, 50.9) is in slice z=12, x=50 (unit scale).
    ortho.setCursor(ortho.xz, { row: 12.4, col: 50.9 });
    expect(steps).toEqual([[12, 30, 50]]);
    expect(ortho.cursorIn(ortho.yz)).toEqual({ row: 30.5, col: 12.5 }); // (y, z) slice centres
    expect(ortho.cursorIn(model)).toEqual({ row: 30.5, col: 50.5 });
    // Clamped into the data: a click past the end lands on the last slice.
    ortho.setCursor(ortho.yz, { row: -5, col: 1e6 });
    expect(model.dims.currentStep).toEqual([30, 0, 50]);
  });

  it('follows anisotropic voxels: world units, not indices', () => {
    const { model, ortho } = viewer3d([10, 20, 30], [4, 0.5, 0.5]);
    ortho.setCursor(ortho.xz, { row: 9, col: 7.2 }); // z world 9 / 4 -> slice 2, x 7.2 / 0.5 -> 14
    expect(model.dims.currentStep).toEqual([2, 9, 14]); // y stays at its middle slice
    expect(model.extentIn(ortho.xz.dims)).toEqual({ top: 0, left: 0, rows: 40, cols: 15 });
    expect(model.extentIn(ortho.yz.dims)).toEqual({ top: 0, left: 0, rows: 10, cols: 40 });
  });

  it('re-derives the planes after a transpose or roll and says so', () => {
    const { model, ortho } = viewer3d();
    let changes = 0;
    ortho.changed.connect(() => changes++);
    model.dims.transpose(); // main shows (x, y): xz -> (z, y), yz -> (x, z)
    expect(ortho.xz.dims.displayed).toEqual([0, 1]);
    expect(ortho.yz.dims.displayed).toEqual([2, 0]);
    model.dims.rollAxes(); // order [1, 2, 0]... the depth is now y
    expect(ortho.depthAxis).toBe(model.dims.order[0]);
    expect(ortho.xz.dims.displayed[0]).toBe(model.dims.order[0]);
    expect(changes).toBe(2);
  });

  it('has no depth in a 2D world, gets one when a 3D layer arrives, and stops on dispose', () => {
    const model = new ViewerModel();
    model.addImage(volume([8, 9]));
    const ortho = new OrthoViews(model);
    expect(ortho.depthAxis).toBeNull();
    let changes = 0;
    ortho.changed.connect(() => changes++);
    model.addLayer(new LabelsLayer({ dtype: 'int32', shape: [5, 8, 9], data: new Int32Array(360) }, { id: 'l', name: 'l' }));
    expect(ortho.depthAxis).toBe(0);
    expect(ortho.xz.dims.displayed).toEqual([0, 2]);
    expect(changes).toBe(1);
    ortho.dispose();
    model.dims.setCurrentStep(0, 4);
    expect(ortho.xz.dims.currentStep[0]).not.toBe(4);
  });

  const run = haveReference ? it : it.skip;
  run('the three planes through the cursor of the real nuclei3d stack equal numpy vol[z], vol[:, y], vol[:, :, x].T', () => {
    const cursors = [
      [15, 30, 28],
      [0, 60, 0],
      [30, 0, 56],
      [7, 44, 13]
    ];
    const { meta, bytes } = runPython<{ shape: number[]; planes: number[][][] }>(
      `import tifffile
a = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei3d/image.tif"))
planes = [[a[z].ravel().tolist(), a[:, y, :].ravel().tolist(), a[:, :, x].T.ravel().tolist()] for z, y, x in request]
sys.stdout.buffer.write(json.dumps(dict(shape=list(a.shape), planes=planes)).encode() + b"\\n")
sys.stdout.buffer.write(a.astype("<u2").tobytes())`,
      cursors
    );
    const model = new ViewerModel();
    const layer = model.addImage(ndarrayFromBuffer(bytes.buffer, 'uint16', meta.shape), { name: 'nuclei3d' });
    const ortho = new OrthoViews(model);
    cursors.forEach(([z, y, x], i) => {
      // Set the way a user does: a click in XZ at (z, x), then one in YZ at (y, z).
      ortho.setCursor(ortho.xz, { row: z + 0.5, col: x + 0.5 });
      ortho.setCursor(ortho.yz, { row: y + 0.5, col: z + 0.5 });
      expect(model.dims.currentStep).toEqual([z, y, x]);
      [model, ortho.xz, ortho.yz].forEach((view, k) => {
        const slice = model.sliceOf(layer, view.dims)!;
        const plane = planeOf(layer.data, slice.step, slice.displayed);
        expect(Array.from(plane.data as Uint16Array)).toEqual(meta.planes[i][k]);
      });
    });
  });
});
