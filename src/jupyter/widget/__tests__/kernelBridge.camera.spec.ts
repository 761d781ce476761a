// Covers the camera and click messages of src/jupyter/widget/kernelBridge.ts: the kernel's
// camera applied without echo, the user's pans sent at once and then at most every 100 ms with
// the last position always arriving, and clicks reported with their world point.
import { checkSentMessages, imageLayer, kernelSays, pattern, sendLayer, setup } from './bridgeHarness';

afterEach(() => {
  checkSentMessages();
  jest.useRealTimers();
});

const cameras = (sent: { content: Record<string, unknown> }[]) => sent.filter(m => m.content.type === 'camera').map(m => [m.content.center, m.content.zoom]);

describe('KernelBridge: camera and clicks', () => {
  it('applies the kernel camera without sending it back', () => {
    const { viewer, sent, bridge } = setup();
    kernelSays(bridge, { v: 3, type: 'camera', center: [120.5, 64], zoom: 2.5 });
    expect([viewer.camera.center, viewer.camera.zoom]).toEqual([{ row: 120.5, col: 64 }, 2.5]);
    expect(cameras(sent)).toEqual([]);
  });

  it('sends a pan at once, then the latest position every 100 ms at most', () => {
    jest.useFakeTimers();
    const { viewer, sent } = setup();
    viewer.camera.set({ row: 10, col: 10 }, 1);
    for (let i = 1; i <= 20; i++) viewer.camera.panBy(5, 0); // one drag, 20 moves
    expect(cameras(sent)).toEqual([[[10, 10], 1]]);
    jest.advanceTimersByTime(100);
    expect(cameras(sent)).toEqual([[[10, 10], 1], [[10, -90], 1]]);
    jest.advanceTimersByTime(1000);
    expect(cameras(sent)).toHaveLength(2); // nothing new: nothing sent
  });

  it('refuses a zoom out of range and keeps the camera', () => {
    const { viewer, sent, bridge } = setup();
    bridge.handle({ v: 3, type: 'camera', center: [1, 2], zoom: 0 });
    expect(viewer.camera.zoom).toBe(1);
    expect(sent.map(m => m.content.type)).toEqual(['error']);
    expect(String(sent[0].content.message)).toMatch(/zoom/);
  });

  it('reports a click with the world point on every axis', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, imageLayer({ shape: [7, 40, 50] }), pattern(7 * 40 * 50 * 2), 'T');
    viewer.dims.setCurrentStep(0, 5);
    sent.length = 0;
    viewer.reportClick({ position: [5.5, 12.25, 30.75], button: 1, modifiers: ['Shift'] });
    expect(sent.map(m => m.content)).toEqual([{ v: 3, type: 'click', position: [5.5, 12.25, 30.75], button: 1, modifiers: ['Shift'] }]);
  });
});
