import { describe, expect, it } from 'vitest';
import { colorCounts, decodePng, encodePng, fillRect, solidImage, type PngFilter, type RgbaImage } from './png.js';

/** Every pixel different from its neighbours, so each filter predicts something other than zero. */
function gradient(width: number, height: number): RgbaImage {
  const image = solidImage(width, height, [0, 0, 0, 255]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.pixels.set([(x * 37 + y * 11) & 0xff, (x * x + y * 53) & 0xff, (x ^ y) * 9 & 0xff, 128 + y], (y * width + x) * 4);
  }
  return image;
}

describe('PNG test helpers', () => {
  it.each<PngFilter>([0, 1, 2, 3, 4])('GIVEN an image encoded with filter %i on every row WHEN decoded THEN the pixels come back unchanged', (filter) => {
    const image = gradient(23, 17);

    const decoded = decodePng(encodePng(image, () => filter));

    expect(decoded.width).toBe(23);
    expect(decoded.height).toBe(17);
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(image.pixels))).toBe(true);
  });

  it('GIVEN rows with different filters WHEN decoded THEN the pixels come back unchanged', () => {
    const image = gradient(31, 25);

    const decoded = decodePng(encodePng(image, (row) => (row % 5) as PngFilter));

    expect(Buffer.from(decoded.pixels).equals(Buffer.from(image.pixels))).toBe(true);
  });

  it('GIVEN a painted rectangle WHEN its colours are counted THEN each colour has its area', () => {
    const image = fillRect(solidImage(10, 4, [255, 255, 255, 255]), 2, 1, 3, 2, [200, 0, 0, 255]);

    const counts = colorCounts(decodePng(encodePng(image)));

    expect(Object.fromEntries(counts)).toEqual({ '255,255,255': 34, '200,0,0': 6 });
  });

  it('GIVEN a corrupted chunk WHEN decoded THEN it is refused', () => {
    const png = encodePng(gradient(4, 4));
    png[20] = (png[20] ?? 0) ^ 0xff;

    expect(() => decodePng(png)).toThrow(/bad CRC/);
  });
});
