import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  contrastRatio,
  NODE_COLOUR_COUNT,
  nodeColour,
  relativeLuminance,
} from '../../../../renderer/components/node-colours.js';
import { REPO_ROOT } from '../../../support/repo-paths.js';

/** A theme colour's light and dark values, as renderer/styles/00-base.css defines them. */
function themeColour(name: string): { light: string; dark: string } {
  const css = readFileSync(join(REPO_ROOT, 'renderer', 'styles', '00-base.css'), 'utf8');
  const match = new RegExp(
    `--${name}:\\s*light-dark\\((#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\)`,
    'i',
  ).exec(css);
  assert.ok(match?.[1] !== undefined && match[2] !== undefined, `--${name} in 00-base.css`);
  return { light: match[1], dark: match[2] };
}

describe('node colours', () => {
  it('computes WCAG contrast as its examples give it', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#ffffff', '#ffffff'), 1);
    assert.equal(Number(contrastRatio('#767676', '#ffffff').toFixed(2)), 4.54);
    assert.equal(relativeLuminance('#ffffff'), 1);
  });

  it('every node colour reads at 3:1 or more on the light and the dark theme’s backgrounds', () => {
    const backgrounds = ['bg', 'panel'].flatMap((name) => {
      const { light, dark } = themeColour(name);
      return [`${name} light ${light}`, `${name} dark ${dark}`];
    });
    const tooFaint: string[] = [];
    for (let index = 0; index < NODE_COLOUR_COUNT; index++) {
      const colour = nodeColour(index);
      for (const background of backgrounds) {
        const hex = background.split(' ')[2] ?? '';
        const ratio = contrastRatio(colour, hex);
        if (ratio < 3)
          tooFaint.push(`node ${index + 1} ${colour} on ${background}: ${ratio.toFixed(2)}`);
      }
    }
    assert.deepEqual(tooFaint, []);
  });

  it('gives the first sixteen nodes sixteen different colours', () => {
    const colours = Array.from({ length: 16 }, (_, i) => nodeColour(i).toLowerCase());
    assert.equal(new Set(colours).size, 16);
    assert.equal(nodeColour(16), nodeColour(0));
  });
});
