/**
 * The panels' icons: 24×24 stroke paths drawn in `currentColor`, so they follow the JupyterLab
 * theme and need no asset files. Shapes in the style of Feather/Lucide, drawn for this project.
 */
const STROKE_ICONS = {
  pan_zoom: 'M5 9l-3 3 3 3M9 5l3-3 3 3M15 19l-3 3-3-3M19 9l3 3-3 3M2 12h20M12 2v20',
  paint: 'M17 3a2.8 2.8 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z',
  erase: 'M7 21l-4.3-4.3c-1-1-1-2.5 0-3.4l9.6-9.6c1-1 2.5-1 3.4 0l5.6 5.6c1 1 1 2.5 0 3.4L13 21M22 21H7M5 11l9 9',
  fill: 'M19 11l-8-8-8.6 8.6a2 2 0 0 0 0 2.8l5.2 5.2c.8.8 2 .8 2.8 0L19 11zM5 2l5 5M2 13h15M22 20a2 2 0 1 1-4 0c0-1.6 1.7-2.4 2-4 .3 1.6 2 2.4 2 4z',
  pick: 'M2 22l1-1h3l9-9M3 21v-3l9-9M15 6l3.4-3.4a2.1 2.1 0 1 1 3 3L18 9l.4.4a2.1 2.1 0 1 1-3 3l-3.8-3.8a2.1 2.1 0 1 1 3-3l.4.4z',
  polygon: 'M12 2.5l9.5 7-3.6 11.5H6.1L2.5 9.5z',
  add: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM12 8v8M8 12h8',
  select: 'M4 3l7 17 2.5-7.5L21 10z',
  direct: 'M4 3l6 15 2-6 6-2zM15 15h6v6h-6z',
  vertex_insert: 'M3 17L12 5l9 12M12 2v6M9 5h6',
  vertex_remove: 'M3 17L12 5l9 12M9 5h6',
  rectangle: 'M3 6h18v12H3z',
  ellipse: 'M12 5c5 0 9 3.1 9 7s-4 7-9 7-9-3.1-9-7 4-7 9-7z',
  line: 'M4 20L20 4',
  path: 'M3 17l5-8 4 6 4-9 5 7',
  undo: 'M9 14L4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3',
  redo: 'M15 14l5-5-5-5M20 9H9a5 5 0 0 0 0 10h3',
  screenshot: 'M14.5 4h-5L7 7H4a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2h-3zM12 10a3 3 0 1 0 0 6a3 3 0 1 0 0-6z',
  ortho: 'M3 3h18v18H3zM12 3v18M3 12h18',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z',
  eye_off:
    'M3 3l18 18M10.6 6.1A9.8 9.8 0 0 1 12 6c6.4 0 10 6 10 6a17 17 0 0 1-3 3.5M6.6 6.6A17 17 0 0 0 2 12s3.6 7 10 7a9.7 9.7 0 0 0 5.4-1.6M9.9 9.9a3 3 0 0 0 4.2 4.2',
  trash: 'M3 6h18M8 6V4h8v2M6 6l1 15h10l1-15M10 11v6M14 11v6',
  duplicate: 'M8 8h12v12H8zM16 8V4H4v12h4',
  transpose: 'M7 20V4M3 8l4-4 4 4M17 4v16M13 16l4 4 4-4',
  roll: 'M21 12a9 9 0 1 1-3-6.7L21 8M21 3v5h-5',
  play: 'M7 4l13 8-13 8z',
  pause: 'M7 4h3v16H7zM14 4h3v16h-3z',
  chevron_left: 'M15 6l-6 6 6 6',
  chevron_right: 'M9 6l6 6-6 6',
  image: 'M3 3h18v18H3zM3 17l5-5 5 5 3-3 5 5M15.5 7.5a1 1 0 1 0 0 .01',
  labels: 'M3 3h8v8H3zM13 3h8v8h-8zM3 13h8v8H3zM13 13h8v8h-8z',
  points: 'M6 5a2 2 0 1 0 0 .01M17 7a2 2 0 1 0 0 .01M9 16a2 2 0 1 0 0 .01M18 18a2 2 0 1 0 0 .01',
  shapes: 'M3 12h9v9H3zM16.5 3l4.5 8h-9zM17 14a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z',
  new_labels: 'M3 3h8v8H3zM13 3h8v8h-8zM3 13h8v8H3zM17 13v8M13 17h8',
  new_points: 'M6 5a2 2 0 1 0 0 .01M9 16a2 2 0 1 0 0 .01M17 13v8M13 17h8',
  new_shapes: 'M3 12h9v9H3zM16.5 3l4.5 8h-9zM18 14v7M14.5 17.5h7'
} as const;

export type IconName = keyof typeof STROKE_ICONS;

export function hasIcon(name: string): name is IconName {
  return name in STROKE_ICONS;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A decorative SVG icon (aria-hidden: the button or row around it carries the label). */
export function createIcon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'jp-SegLab-icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', STROKE_ICONS[name]);
  svg.appendChild(path);
  return svg;
}
