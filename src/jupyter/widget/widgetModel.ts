import { pixelService } from '../pixelService';
import { SegmentService, segmentService } from '../segmentService';
import { DOMWidgetModel, ISerializers } from '@jupyter-widgets/base';
import { ISignal, Signal } from '@lumino/signaling';
import { JSONObject } from '@lumino/coreutils';
import { NDArray } from '../../core/ndarray';
import { ViewerModel } from '../../viewer/model/viewerModel';
import { openPanel } from '../panels';
import { PROTOCOL_VERSION } from '../protocol';
import { registerUnsavedCheck } from '../unsavedAnnotations';
import { MODULE_NAME, MODULE_VERSION } from '../version';
import { KernelBridge } from './kernelBridge';

/** An incoming layer's progress, 0..1, and the transfer to name when cancelling it. */
export interface TransferProgress {
  name: string;
  fraction: number;
  transferId: string;
}

export interface StatusMessage {
  text: string;
  isError: boolean;
}

/**
 * JupyterLab's websocket serializer (services/kernel/serialize) measures a view by its
 * byteLength but copies its whole underlying ArrayBuffer, so a chunk that is a window into a
 * larger array overflows the message ("offset is out of bounds"). Views that do not cover
 * their whole buffer are therefore sent as their own copy (one chunk, at most 9 MiB, at a time).
 */
function standalone(view: ArrayBufferView): ArrayBufferView {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) {
    return view;
  }
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/**
 * The browser side of a kernel `seglab.Viewer`. It owns one ViewerModel shared by every view
 * of the widget (notebook outputs, main-area panels), so they all show the same state.
 */
export class SegLabViewerModel extends DOMWidgetModel {
  static serializers: ISerializers = { ...DOMWidgetModel.serializers };
  static model_name = 'SegLabViewerModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'SegLabViewerView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;

  viewer!: ViewerModel;
  /** Displayed views that can render the canvas for `viewer.screenshot()`; the first one answers. */
  readonly screenshotSources: Array<() => NDArray> = [];
  private bridge!: KernelBridge;
  private _status!: Signal<SegLabViewerModel, StatusMessage>;
  private _progress!: Signal<SegLabViewerModel, TransferProgress>;

  defaults(): any {
    return {
      ...super.defaults(),
      _model_name: SegLabViewerModel.model_name,
      _model_module: MODULE_NAME,
      _model_module_version: MODULE_VERSION,
      _view_name: SegLabViewerModel.view_name,
      _view_module: MODULE_NAME,
      _view_module_version: MODULE_VERSION,
      protocol_version: PROTOCOL_VERSION,
      layer_specs: []
    };
  }

  private segmentService(): SegmentService {
    const service = segmentService();
    if (!service) throw new Error("SegLab's model service is not running in this JupyterLab");
    return service;
  }

  initialize(attributes: any, options: any): void {
    super.initialize(attributes, options);
    this.viewer = new ViewerModel();
    this._status = new Signal(this);
    this._progress = new Signal(this);
    this.bridge = new KernelBridge(this.viewer, (content, buffers) => this.send(content as JSONObject, {}, buffers?.map(standalone)), {
      openPanel: title => {
        if (!openPanel(this.viewer, title ?? 'SegLab viewer')) {
          this._status.emit({ text: 'cannot open a panel here (not running in JupyterLab)', isError: true });
        }
      },
      problem: text => this._status.emit({ text, isError: true }),
      screenshot: () => (this.screenshotSources.length ? this.screenshotSources[0]() : null),
      segment: request => this.segmentService().segment(this.viewer, request),
      modelData: (manifest, files) => this.segmentService().useKernelModel(this.viewer, manifest, files),
      modelSelect: async id => this.segmentService().setModel(this.viewer, id),
      embeddings: (data, features) => this.segmentService().importEmbeddings(this.viewer, data, features),
      pixel: request => pixelService().answer(this.viewer, request),
      progress: (name, fraction, transferId) => this._progress.emit({ name, fraction, transferId })
    });
    registerUnsavedCheck(this.viewer, () => this.bridge.unsavedLayerNames());
    this.on('msg:custom', (content: unknown, buffers: DataView[]) => this.bridge.handle(content, buffers));
    this.on('comm:close', () => this.bridge.kernelGone());
    // A kernel that dies or restarts closes no comm: the widget manager marks its models
    // not live instead (on the kernel's "restarting" status).
    this.on('comm_live_update', () => {
      if (!this.comm_live) this.bridge.kernelGone();
    });
    if (this.get('protocol_version') !== PROTOCOL_VERSION) {
      this._status.emit({
        text: `the kernel speaks SegLab protocol ${this.get('protocol_version')}, this frontend ${PROTOCOL_VERSION}: upgrade the older side`,
        isError: true
      });
    }
    // A fresh frontend model (first display or page reload) holds no pixels: ask for them.
    this.bridge.hello();
  }

  /** Progress of incoming transfers (0..1), for the views' progress bars. */
  get progress(): ISignal<SegLabViewerModel, TransferProgress> {
    return this._progress;
  }

  /** Stops an incoming transfer (a view's cancel button); see KernelBridge.cancelTransfer. */
  cancelTransfer(transferId: string): void {
    this.bridge.cancelTransfer(transferId);
  }

  /** Status-line messages for the views (protocol problems, notices). */
  get status(): ISignal<SegLabViewerModel, StatusMessage> {
    return this._status;
  }
}
