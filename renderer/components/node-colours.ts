/**
 * One colour per node, used for its grid cells, tags and chart strokes alike. Each one is a mid
 * tone that keeps a contrast ratio of at least 3:1 (WCAG's figure for graphics) against the page
 * and panel backgrounds of both the light and the dark theme, so a chart line is never lost (the
 * Okabe-Ito yellow and sky blue this palette started from were, on white). The hues follow
 * Okabe-Ito's order, darkened or lightened into that band, then Paul Tol's, so the first eight stay
 * apart under the common colour vision deficiencies as far as colour can; past eight nodes colour
 * alone is not enough, so every place that colours by node also shows its number (`nodeNumber`).
 */
const PALETTE = [
  '#C77C00', // orange
  '#2C8FCF', // sky blue
  '#009E73', // bluish green
  '#9A8400', // yellow, darkened to an old gold
  '#0072B2', // blue
  '#D55E00', // vermilion
  '#C0609A', // reddish purple
  '#888888', // grey
  '#CC6677', // rose
  '#7060C8', // indigo
  '#A0804A', // sand
  '#2E8B47', // green
  '#0099A8', // cyan
  '#B4437A', // wine
  '#9A62C8', // violet
  '#7F8F20', // olive
] as const;

/** How many colours there are before they repeat. */
export const NODE_COLOUR_COUNT = PALETTE.length;

/** The colour of the node at `index` in the cluster's node list (servers, then new servers). */
export function nodeColour(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] ?? '#888888';
}

/** Text that stays legible on `nodeColour(index)`: dark on the light colours, white on the dark. */
export function nodeTextColour(index: number): string {
  // Relative luminance compared with the point where black and white contrast equally.
  return relativeLuminance(nodeColour(index)) > 0.179 ? '#111111' : '#ffffff';
}

/** The label a node goes by in grids and legends: its 1-based position in the node list. */
export function nodeNumber(index: number): string {
  return String(index + 1);
}

/** WCAG 2's relative luminance of a `#rrggbb` colour, 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2's contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}
