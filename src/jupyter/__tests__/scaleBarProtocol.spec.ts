// Covers the `scale-bar` message of src/jupyter/protocol*.ts (PROTOCOL.md, "Scale bar"): what the
// frontend accepts from the kernel, the checked builder, and - by running the kernel package in
// .venv's Python - that a real seglab.Viewer's messages pass here, that the kernel's validator
// accepts what the builder makes, and that both sides refuse the same values with the same words.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { checkUnit } from '../../viewer/model/scaleBar';
import * as P from '../protocol';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const bridgeDir = path.join(repoRoot, 'python-kernel-bridge');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
const withPython = fs.existsSync(python) ? describe : describe.skip;

/** Runs Python with the kernel package importable; `code` reads JSON from stdin and prints JSON. */
function runPython(code: string, input: unknown = null): any {
  const out = execFileSync(python, ['-c', code], {
    input: JSON.stringify(input),
    env: { ...process.env, PYTHONPATH: bridgeDir },
    maxBuffer: 16 * 2 ** 20
  });
  return JSON.parse(out.toString('utf8'));
}

const msg = (over: Record<string, unknown> = {}) => ({ v: 3, type: 'scale-bar', visible: true, unit: 'um', position: 'bottom_right', ...over });

const BAD: [string, Record<string, unknown>, string][] = [
  ['visible as a string', msg({ visible: 'yes' }), 'visible: expected a bool'],
  ['visible missing', msg({ visible: undefined }), 'visible: expected a bool'],
  ['no unit field', msg({ unit: undefined }), 'unit: expected no unit (None/null) or a string of 1 to 32 printable characters'],
  ['an empty unit', msg({ unit: '' }), 'unit: expected no unit (None/null) or a string of 1 to 32 printable characters'],
  ['a long unit', msg({ unit: 'm'.repeat(33) }), 'unit: expected no unit (None/null) or a string of 1 to 32 printable characters'],
  ['a unit with a newline', msg({ unit: 'u\nm' }), 'unit: expected no unit (None/null) or a string of 1 to 32 printable characters'],
  ['a numeric unit', msg({ unit: 1 }), 'unit: expected no unit (None/null) or a string of 1 to 32 printable characters'],
  ['an unknown position', msg({ position: 'middle' }), 'position: expected one of bottom_right, bottom_left, top_right, top_left'],
  ['no position', msg({ position: null }), 'position: expected one of bottom_right, bottom_left, top_right, top_left']
];

describe('scale-bar, kernel -> frontend', () => {
  it('accepts every position, with and without a unit', () => {
    for (const position of ['bottom_right', 'bottom_left', 'top_right', 'top_left']) {
      for (const unit of [null, 'um', 'µm', 'pixel', 'frames']) {
        const m = msg({ position, unit, visible: false });
        expect(P.validateKernelMessage(m, 0)).toEqual(m);
      }
    }
  });

  it.each(BAD)('refuses %s, naming the field', (_, content, error) => {
    expect(() => P.validateKernelMessage(content, 0)).toThrow(P.ProtocolError);
    expect(() => P.validateKernelMessage(content, 0)).toThrow(new RegExp(`^${error.replace(/[()/]/g, '\\$&')}, got `));
  });

  it('wants no binary buffer', () => {
    expect(() => P.validateKernelMessage(msg(), 1)).toThrow(/^expected 0 binary buffer\(s\) with a "scale-bar" message, got 1/);
  });
});

describe('scale-bar, frontend -> kernel builder', () => {
  it('builds the state as it is, and refuses what the kernel would refuse', () => {
    expect(P.scaleBarMessage({ visible: true, unit: null, position: 'top_left' })).toEqual({ v: 3, type: 'scale-bar', visible: true, unit: null, position: 'top_left' });
    expect(() => P.scaleBarMessage({ visible: true, unit: 'a\u0000b', position: 'top_left' })).toThrow(/^unit: expected/);
    expect(() => P.scaleBarMessage({ visible: 1 as never, unit: null, position: 'top_left' })).toThrow(/^visible: expected a bool/);
  });
});

withPython('scale-bar, both sides of the wire agree', () => {
  it('on every message a real kernel Viewer sends, on set and on hello', () => {
    const sent: Record<string, unknown>[] = runPython(`
import json, sys
from seglab import Viewer
v = Viewer()
sent = []
v.send = lambda content, buffers=None: sent.append(content)
v.scale_bar.visible = True
v.scale_bar.unit = "um"
v.scale_bar.unit = "µm"
v.scale_bar.position = "top_left"
v.scale_bar.unit = None
v._on_frontend_msg(v, {"v": 3, "type": "hello", "client_id": "c"}, [])
print(json.dumps(sent))
`);
    expect(sent.slice(0, 5).map(m => [m.type, m.visible, m.unit, m.position])).toEqual([
      ['scale-bar', true, null, 'bottom_right'],
      ['scale-bar', true, 'um', 'bottom_right'],
      ['scale-bar', true, 'µm', 'bottom_right'],
      ['scale-bar', true, 'µm', 'top_left'],
      ['scale-bar', true, null, 'top_left']
    ]);
    // hello: the layers (none here), dims, then the state, which is not the default
    expect(sent.slice(5)).toEqual([
      { v: 3, type: 'dims', ndim: 2, current_step: [0, 0], axis_labels: ['0', '1'] },
      { v: 3, type: 'scale-bar', visible: true, unit: null, position: 'top_left' }
    ]);
    for (const m of sent) expect(P.validateKernelMessage(m, 0)).toEqual(m);
  });

  it('on what the builder makes, and on refusing the same values in the same words', () => {
    const good = [
      P.scaleBarMessage({ visible: true, unit: 'µm', position: 'bottom_left' }),
      P.scaleBarMessage({ visible: false, unit: null, position: 'top_right' }),
      P.scaleBarMessage({ visible: true, unit: '𝜇'.repeat(32), position: 'bottom_right' })
    ];
    const items = [...good, ...BAD.map(([, content]) => JSON.parse(JSON.stringify(content)))].map(c => [c, 0]);
    const errors: (string | null)[] = runPython(`
import json, sys
from seglab import protocol
out = []
for content, n in json.load(sys.stdin):
    try:
        protocol.validate_incoming(content, [b"x"] * n)
        out.append(None)
    except protocol.ProtocolError as exc:
        out.append(str(exc))
print(json.dumps(out))
`, items);
    expect(errors.slice(0, good.length)).toEqual(good.map(() => null));
    BAD.forEach(([label, , error], i) => {
      expect([label, errors[good.length + i]?.split(', got ')[0]]).toEqual([label, error]);
    });
  });

  it('on which units are printable', () => {
    const units = ['um', 'µm', 'μm', 'Å', 'a b', ' ', '\u00a0', '\u2028', '\u200b', '\u0085', '\ud800', '\ue000', '\u0378', '😀', 'x'.repeat(32), 'x'.repeat(33)];
    const kernel: boolean[] = runPython(`
import json, sys
from seglab.scale_bar import check_unit
def ok(u):
    try:
        check_unit(u)
        return True
    except ValueError:
        return False
print(json.dumps([ok(u) for u in json.load(sys.stdin)]))
`, units);
    const frontend = units.map(u => {
      try {
        checkUnit(u);
        return true;
      } catch {
        return false;
      }
    });
    expect(units.map((u, i) => [JSON.stringify(u), frontend[i]])).toEqual(units.map((u, i) => [JSON.stringify(u), kernel[i]]));
    expect(frontend.slice(0, 5)).toEqual([true, true, true, true, true]);
  });
});
