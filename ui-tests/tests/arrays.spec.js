// Arrays of every supported kind through a real kernel and the browser: 128 MB bit-exact round
// trips (over Jupyter's 10 MiB message limit, with no server setting), NaN/Inf rendering, and
// clear errors for input SegLab cannot show.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

test('128 MB uint16 round-trips bit-exact through the browser', async ({ page }) => {
  test.setTimeout(300000);
  await h.openNewNotebook(page, 'roundtrip.ipynb');
  const out = await h.runCode(
    page,
    [
      'big = np.random.default_rng(7).integers(0, 2**16, size=(8192, 8192), dtype=np.uint16)',
      'v_big = Viewer()',
      'layer = v_big.add_image(big, name="big")',
      'v_big.wait_until_ready("big", timeout=240)',
      'back = layer.data',
      'print("BIG", back.nbytes, back.dtype, np.array_equal(back, big), np.shares_memory(back, big))'
    ].join('\n')
  );
  expect(out).toContain('BIG 134217728 uint16 True False');
});

test('dtypes, byte orders and layouts come back value-exact', async ({ page }) => {
  await h.openNewNotebook(page, 'dtypes.ipynb');
  const out = await h.runCode(
    page,
    [
      'rng = np.random.default_rng(1)',
      'cases = {',
      '  "uint8": rng.integers(0, 256, (300, 200), dtype=np.uint8),',
      '  "int16": rng.integers(-2**15, 2**15, (300, 200), dtype=np.int16),',
      '  "uint32": rng.integers(0, 2**32, (300, 200), dtype=np.uint32),',
      '  "float32": rng.normal(size=(300, 200)).astype(np.float32),',
      '  "float64": rng.normal(size=(300, 200)),',
      '  "bool": rng.random((300, 200)) > 0.5,',
      '  "int64": rng.integers(-2**40, 2**40, (300, 200), dtype=np.int64),',
      '  "big-endian": rng.integers(0, 2**16, (300, 200)).astype(">u2"),',
      '  "non-contiguous": rng.integers(0, 2**16, (400, 600), dtype=np.uint16)[::2, ::3],',
      '  "rgb": rng.integers(0, 256, (120, 160, 3), dtype=np.uint8),',
      '}',
      'v = Viewer(); v',
      'for name, a in cases.items(): v.add_image(a, name=name)',
      'for name in cases: v.wait_until_ready(name, timeout=60)',
      'print(sorted(name for name, a in cases.items() if not np.array_equal(v.layers[name].data, a)))'
    ].join('\n')
  );
  expect(out.trim()).toBe('[]');
});

test('NaN and Inf render without breaking contrast; bad input gives clear errors', async ({ page }) => {
  await h.openNewNotebook(page, 'floats.ipynb');
  // A small image, so the fitted view magnifies it ~7x: rows 0-15 NaN, 16-31 +Inf, 32-47 -Inf,
  // 48-63 a ramp from 0 to 1 along the columns.
  await h.runCode(
    page,
    [
      'f = np.tile(np.linspace(0, 1, 64, dtype=np.float32), (64, 1))',
      'f[:16] = np.nan; f[16:32] = np.inf; f[32:48] = -np.inf',
      'vf = Viewer(); vf.add_image(f, name="floats"); vf.wait_until_ready("floats")'
    ].join('\n')
  );
  const index = await h.runCodeIndex(page, 'vf');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  const box = await h.canvasBox(viewer);
  const cx = Math.round(box.x + box.width / 2);
  await expect.poll(async () => (await h.readoutAt(page, viewer, cx, Math.round(box.y + box.height / 2))).values.floats).toBeDefined();
  // Limits come from the finite values only: [0, 1].
  const seen = { NaN: 0, inf: 0, '-inf': 0, finite: 0 };
  for (let y = Math.round(box.y + 10); y < box.y + box.height - 10; y += 9) {
    const r = await h.readoutAt(page, viewer, cx, y);
    const v = r.values.floats;
    if (v === undefined) continue;
    const a = await h.readoutAt(page, viewer, cx, y - 1);
    const b = await h.readoutAt(page, viewer, cx, y + 1);
    if (a.row !== r.row || b.row !== r.row) continue; // a row boundary: colours may blend
    const png = await h.screenshotPixels(page);
    const grey = h.pixelAt(png, cx, y)[0];
    if (v === 'NaN') {
      expect(grey).toBe(0); // transparent over the black background
      seen.NaN++;
    } else if (v === 'inf') {
      expect(grey).toBe(255);
      seen.inf++;
    } else if (v === '-inf') {
      expect(grey).toBe(0);
      seen['-inf']++;
    } else {
      expect(Math.abs(grey - h.expectedGray(Number(v), 0, 1))).toBeLessThanOrEqual(2);
      seen.finite++;
    }
  }
  expect(seen.NaN).toBeGreaterThan(0);
  expect(seen.inf).toBeGreaterThan(0);
  expect(seen['-inf']).toBeGreaterThan(0);
  expect(seen.finite).toBeGreaterThan(0);

  const errors = await h.runCode(
    page,
    [
      'msgs = []',
      'for bad in [np.zeros((4, 4), np.complex64), np.array([["a"]]), np.zeros((0, 5)), np.zeros((2, 2, 2, 2, 2, 2)), [[1, 2], [3, 4]]]:',
      '    try:',
      '        Viewer().add_image(bad)',
      '    except (TypeError, ValueError) as e:',
      '        msgs.append(type(e).__name__ + ": " + str(e))',
      'print("\\n".join(msgs))',
      'print("COUNT", len(msgs))'
    ].join('\n')
  );
  expect(errors).toContain('COUNT 5');
  expect(errors).toMatch(/complex/);
  expect(errors).toMatch(/list/);
  // The kernel and the viewer keep working after the errors.
  const still = await h.runCode(page, 'print(np.array_equal(vf.layers["floats"].data, f, equal_nan=True))');
  expect(still.trim()).toBe('True');
});
