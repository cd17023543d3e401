/**
 * One colour per node, told apart by colour-blind operators as far as colour can be: the
 * Okabe-Ito palette first (eight colours chosen to stay distinct under the common colour vision
 * deficiencies), then Paul Tol's muted palette. Past eight nodes colour alone is not enough, so
 * every place that colours by node also shows the node's number (`nodeNumber`).
 */
const PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#999999',
  '#CC6677',
  '#332288',
  '#DDCC77',
  '#117733',
  '#88CCEE',
  '#882255',
  '#44AA99',
  '#999933',
] as const;

/** The colour of the node at `index` in the cluster's node list (servers, then new servers). */
export function nodeColour(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] ?? '#999999';
}

/** Text that stays legible on `nodeColour(index)`: dark on the light colours, white on the dark. */
export function nodeTextColour(index: number): string {
  const hex = nodeColour(index);
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  // Relative luminance (WCAG 2), compared with the point where black and white contrast equally.
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return luminance > 0.179 ? '#111111' : '#ffffff';
}

/** The label a node goes by in grids and legends: its 1-based position in the node list. */
export function nodeNumber(index: number): string {
  return String(index + 1);
}
