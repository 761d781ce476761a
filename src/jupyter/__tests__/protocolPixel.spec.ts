// pixel-request / pixel-reply: what the frontend accepts from the kernel and what it sends.
import { pixelReplyMessage, validatePixelRequest } from '../protocolPixel';
import { validateKernelMessage } from '../protocolValidate';

const header = (nbytes: number) => ({ id: 't1', nbytes, chunk_bytes: 1 << 20, n_chunks: Math.max(1, Math.ceil(nbytes / (1 << 20))) });

describe('pixel protocol', () => {
  it('accepts the kernel’s requests and refuses unknown ops and outputs', () => {
    expect(validatePixelRequest({ request_id: 'r', op: 'predict', output: 'segmentation', train: true })).toEqual({ request_id: 'r', op: 'predict', output: 'segmentation', train: true });
    expect(() => validatePixelRequest({ request_id: 'r', op: 'delete' })).toThrow(/op: expected one of predict, export, state, got "delete"/);
    expect(() => validatePixelRequest({ request_id: 'r', op: 'predict', output: 'labels' })).toThrow(/output: expected one of probabilities, segmentation/);
    expect(() => validatePixelRequest({ request_id: 'r', op: 'predict', train: 'yes' })).toThrow(/train/);
    const msg = validateKernelMessage({ v: 3, type: 'pixel-request', request_id: 'r', op: 'export' }, 0);
    expect(msg).toMatchObject({ type: 'pixel-request', op: 'export' });
  });

  it('builds replies whose transfer matches the array they announce', () => {
    expect(pixelReplyMessage('r', 'predict', 'float32', [2, 3, 4], header(96))).toMatchObject({ type: 'pixel-reply', shape: [2, 3, 4], dtype: 'float32' });
    expect(() => pixelReplyMessage('r', 'predict', 'float32', [2, 3, 4], header(95))).toThrow();
    expect(pixelReplyMessage('r', 'export', 'json', [], header(1234))).toMatchObject({ dtype: 'json', shape: [] });
  });
});
