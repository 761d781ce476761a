// Covers the scale bar in src/jupyter/widget/kernelBridge.ts (protocol v3, `scale-bar`): the kernel's
// state applied to the real ViewerModel's scaleBar, invalid messages answered with a field-named error
// and applied not at all, no echo of kernel changes, frontend changes sent; and, with .venv's Python,
// that the kernel's validator accepts what the bridge sent.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as P from '../../protocol';
import { kernelSays, Sent, setup, types, validateFrontendMessage } from './bridgeHarness';

const scaleBar = (over: Record<string, unknown> = {}) => ({ v: 3, type: 'scale-bar', visible: true, unit: 'um', position: 'top_left', ...over });

/** What the bridge sent, each message re-built by protocol.ts's checked builders. */
function checked(sent: Sent[]): Record<string, unknown>[] {
  for (const { content, buffers } of sent) {
    if (content.type === 'scale-bar') {
      const c = content as unknown as P.ScaleBarFields;
      expect(P.scaleBarMessage({ visible: c.visible, unit: c.unit, position: c.position })).toEqual(content);
      expect(buffers).toEqual([]);
    } else {
      validateFrontendMessage(content, buffers.length);
    }
  }
  return sent.map(s => s.content);
}

describe('KernelBridge: scale bar', () => {
  it("applies the kernel's state to the model, in one change, without echoing it", () => {
    const { viewer, sent, bridge } = setup();
    let changes = 0;
    viewer.scaleBar.changed.connect(() => changes++);
    kernelSays(bridge, scaleBar());
    expect(viewer.scaleBar.state).toEqual({ visible: true, unit: 'um', position: 'top_left' });
    expect(changes).toBe(1);
    kernelSays(bridge, scaleBar()); // the same state again: nothing changes
    kernelSays(bridge, scaleBar({ visible: false, unit: null, position: 'bottom_right' }));
    expect([viewer.scaleBar.state, changes]).toEqual([{ visible: false, unit: null, position: 'bottom_right' }, 2]);
    expect(sent).toEqual([]);
  });

  it.each([
    ['unit', scaleBar({ unit: 'µ\u0007m' }), /^unit: expected no unit/],
    ['position', scaleBar({ position: 'center' }), /^position: expected one of bottom_right, bottom_left, top_right, top_left, got "center"/],
    ['visible', scaleBar({ visible: 'true' }), /^visible: expected a bool, got "true"/]
  ])('answers a bad %s with an error and changes nothing', (_, content, error) => {
    const problems: string[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m) });
    bridge.handle(content, []);
    expect(viewer.scaleBar.state).toEqual({ visible: false, unit: null, position: 'bottom_right' });
    const [reply] = checked(sent);
    expect([types(sent), reply.message, problems[0]]).toEqual([['error'], expect.stringMatching(error), expect.stringMatching(error)]);
  });

  it('tells the kernel about a change made in the frontend, with the whole state', () => {
    const { viewer, sent, bridge } = setup();
    kernelSays(bridge, scaleBar());
    viewer.scaleBar.unit = 'nm';
    viewer.scaleBar.set({ visible: false, position: 'bottom_left' });
    viewer.scaleBar.unit = 'nm'; // no change, no message
    expect(checked(sent)).toEqual([
      { v: 3, type: 'scale-bar', visible: true, unit: 'nm', position: 'top_left' },
      { v: 3, type: 'scale-bar', visible: false, unit: 'nm', position: 'bottom_left' }
    ]);
  });

  const python = path.resolve(__dirname, '..', '..', '..', '..', '.venv', 'bin', 'python');
  const script = path.resolve(__dirname, '..', '..', '..', '..', 'python-kernel-bridge', 'tests', 'wire_examples.py');
  (fs.existsSync(python) ? it : it.skip)('sends only what the kernel validator (seglab in .venv) accepts', () => {
    const { viewer, sent, bridge } = setup();
    bridge.handle(scaleBar({ position: 'nowhere' }), []); // an error reply
    viewer.scaleBar.set({ visible: true, unit: 'µm', position: 'top_right' });
    viewer.scaleBar.unit = null;
    const items = checked(sent).map(c => [c, 0]);
    expect(items.map(([c]) => (c as Record<string, unknown>).type)).toEqual(['error', 'scale-bar', 'scale-bar']);
    const out = execFileSync(python, [script, 'validate'], { input: JSON.stringify(items) });
    expect(JSON.parse(out.toString('utf8'))).toEqual([null, null, null]);
  });
});
