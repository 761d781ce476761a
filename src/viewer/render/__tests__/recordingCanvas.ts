// A stand-in for a canvas and its 2D context in jest (node has neither): it records the calls
// the overlay makes, so tests can check batching, styles and geometry without pixels.

export interface Call {
  name: string;
  args: unknown[];
  /** State when the call was made (fill/stroke colour, alpha, line width). */
  fillStyle: string;
  strokeStyle: string;
  globalAlpha: number;
  lineWidth: number;
}

export class RecordingContext {
  calls: Call[] = [];
  fillStyle = '#000';
  strokeStyle = '#000';
  globalAlpha = 1;
  lineWidth = 1;
  lineJoin = 'miter';
  transform: number[] = [1, 0, 0, 1, 0, 0];

  constructor(readonly canvas: { width: number; height: number }) {}

  private record(name: string, args: unknown[]): void {
    this.calls.push({ name, args, fillStyle: this.fillStyle, strokeStyle: this.strokeStyle, globalAlpha: this.globalAlpha, lineWidth: this.lineWidth });
  }

  setTransform(...args: number[]): void {
    this.transform = args;
    this.record('setTransform', args);
  }
  clearRect(...args: number[]): void {
    this.record('clearRect', args);
  }
  beginPath(): void {
    this.record('beginPath', []);
  }
  moveTo(...args: number[]): void {
    this.record('moveTo', args);
  }
  lineTo(...args: number[]): void {
    this.record('lineTo', args);
  }
  arc(...args: unknown[]): void {
    this.record('arc', args);
  }
  ellipse(...args: unknown[]): void {
    this.record('ellipse', args);
  }
  rect(...args: number[]): void {
    this.record('rect', args);
  }
  closePath(): void {
    this.record('closePath', []);
  }
  fill(...args: unknown[]): void {
    this.record('fill', args);
  }
  stroke(): void {
    this.record('stroke', []);
  }
  setLineDash(dash: number[]): void {
    this.record('setLineDash', [dash]);
  }
  getImageData(_x: number, _y: number, w: number, h: number): { width: number; height: number; data: Uint8ClampedArray } {
    return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) };
  }
  createImageData(w: number, h: number): { width: number; height: number; data: Uint8ClampedArray } {
    return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) };
  }
  putImageData(...args: unknown[]): void {
    this.record('putImageData', args);
  }
  drawImage(...args: unknown[]): void {
    this.record('drawImage', args);
  }

  /** The calls since the last `clearRect` (one frame). */
  frame(): Call[] {
    let start = 0;
    this.calls.forEach((c, i) => {
      if (c.name === 'clearRect') start = i;
    });
    return this.calls.slice(start);
  }

  count(name: string, calls = this.frame()): number {
    return calls.filter(c => c.name === name).length;
  }
}

/** A canvas whose getContext('2d') gives a RecordingContext. */
export function recordingCanvas(): HTMLCanvasElement & { ctx: RecordingContext } {
  const canvas = {
    width: 300,
    height: 150,
    style: {} as Record<string, string>,
    classList: { add: () => undefined },
    ctx: null as unknown as RecordingContext,
    getContext(kind: string) {
      return kind === '2d' ? this.ctx : null;
    }
  };
  canvas.ctx = new RecordingContext(canvas);
  return canvas as unknown as HTMLCanvasElement & { ctx: RecordingContext };
}
