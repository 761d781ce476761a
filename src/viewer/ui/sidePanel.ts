import { Panel, Widget } from '@lumino/widgets';
import type { ViewerModel } from '../model/viewerModel';
import { el, iconButton } from './controlsDom';
import { createIcon } from './icons';
import { LayerControls, LayerControlsOptions } from './layerControls';
import { LayerList, LayerListCallbacks } from './layerList';

export interface ViewerSidePanelOptions extends LayerListCallbacks, LayerControlsOptions {
  /** Start collapsed to a thin strip (e.g. in a narrow notebook output). */
  collapsed?: boolean;
}

/**
 * The viewer's side panel, napari's left dock: the active layer's controls above the layer
 * list, about 220 px wide, collapsible to a strip with one button.
 */
export class ViewerSidePanel extends Panel {
  readonly controls: LayerControls;
  readonly layerList: LayerList;
  private readonly toggleButton: HTMLButtonElement;
  private _collapsed = false;

  constructor(model: ViewerModel, options: ViewerSidePanelOptions) {
    super();
    this.addClass('jp-SegLab-sidePanel');
    this.node.setAttribute('role', 'complementary');
    this.node.setAttribute('aria-label', 'Layers and layer controls');
    const header = new Widget();
    header.addClass('jp-SegLab-sidePanelHeader');
    this.toggleButton = iconButton({ icon: 'chevron_left', label: 'Hide the layer panel', onClick: () => (this.collapsed = !this.collapsed) });
    header.node.append(el('span', 'jp-SegLab-sidePanelTitle', 'Layers'), this.toggleButton);
    this.controls = new LayerControls(model, { onMessage: options.onMessage });
    this.layerList = new LayerList(model, options);
    this.addWidget(header);
    this.addWidget(this.controls);
    this.addWidget(this.layerList);
    this.collapsed = options.collapsed ?? false;
  }

  get collapsed(): boolean {
    return this._collapsed;
  }
  set collapsed(value: boolean) {
    this._collapsed = value;
    this.toggleClass('jp-mod-collapsed', value);
    this.controls.setHidden(value);
    this.layerList.setHidden(value);
    const label = value ? 'Show the layer panel' : 'Hide the layer panel';
    this.toggleButton.setAttribute('aria-label', label);
    this.toggleButton.setAttribute('aria-expanded', String(!value));
    this.toggleButton.title = label;
    this.toggleButton.replaceChildren(createIcon(value ? 'chevron_right' : 'chevron_left'));
  }
}
