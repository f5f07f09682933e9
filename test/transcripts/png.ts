import { crc32, deflateSync, inflateSync } from 'node:zlib';

/** An 8-bit image with four channels per pixel (red, green, blue, alpha), rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** The five PNG row filters: none, sub, up, average, Paeth. */
export type PngFilter = 0 | 1 | 2 | 3 | 4;

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS: Record<number, number> = { 2: 3, 6: 4 };

/** A width × height image of one colour. */
export function solidImage(width: number, height: number, rgba: readonly [number, number, number, number]): RgbaImage {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < pixels.length; i += 4) pixels.set(rgba, i);
  return { width, height, pixels };
}

/** Paints a rectangle into an image, in place. */
export function fillRect(image: RgbaImage, x: number, y: number, width: number, height: number, rgba: readonly number[]): RgbaImage {
  for (let row = y; row < y + height; row++) {
    for (let column = x; column < x + width; column++) image.pixels.set(rgba, (row * image.width + column) * 4);
  }
  return image;
}

/** Encodes an RGBA PNG. `filterFor` picks each row's filter, so tests can exercise all five. */
export function encodePng(image: RgbaImage, filterFor: (row: number) => PngFilter = () => 0): Buffer {
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let row = 0; row < image.height; row++) {
    const filter = filterFor(row);
    const line = image.pixels.subarray(row * stride, (row + 1) * stride);
    const above = row === 0 ? new Uint8Array(stride) : image.pixels.subarray((row - 1) * stride, row * stride);
    raw[row * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? (line[i - 4] ?? 0) : 0;
      const upLeft = i >= 4 ? (above[i - 4] ?? 0) : 0;
      raw[row * (stride + 1) + 1 + i] = ((line[i] ?? 0) - predict(filter, left, above[i] ?? 0, upLeft)) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG into RGBA pixels, checking every chunk's CRC. */
export function decodePng(png: Uint8Array): RgbaImage {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: bad signature');
  const chunks = readChunks(bytes);
  const header = chunks.find((c) => c.type === 'IHDR')?.data;
  if (!header) throw new Error('PNG without IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colorType, , , interlace] = header.subarray(8, 13);
  const channels = CHANNELS[colorType ?? -1];
  if (depth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const data = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  return { width, height, pixels: toRgba(unfilter(data, width, height, channels), channels) };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function readChunks(bytes: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const body = bytes.subarray(offset + 4, offset + 8 + length);
    if (crc32(body) !== bytes.readUInt32BE(offset + 8 + length)) throw new Error(`PNG chunk at ${offset}: bad CRC`);
    const type = body.subarray(0, 4).toString('ascii');
    chunks.push({ type, data: body.subarray(4) });
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  return chunks;
}

function unfilter(data: Buffer, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  if (data.length < (stride + 1) * height) throw new Error('PNG image data is truncated');
  const out = new Uint8Array(stride * height);
  for (let row = 0; row < height; row++) {
    const filter = data[row * (stride + 1)] ?? 0;
    if (filter > 4) throw new Error(`PNG row ${row}: unknown filter ${filter}`);
    for (let i = 0; i < stride; i++) {
      const at = row * stride + i;
      const left = i >= channels ? (out[at - channels] ?? 0) : 0;
      const up = row > 0 ? (out[at - stride] ?? 0) : 0;
      const upLeft = row > 0 && i >= channels ? (out[at - stride - channels] ?? 0) : 0;
      out[at] = ((data[row * (stride + 1) + 1 + i] ?? 0) + predict(filter as PngFilter, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}

function predict(filter: PngFilter, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return Math.floor((left + up) / 2);
    case 4:
      return paeth(left, up, upLeft);
  }
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

function toRgba(samples: Uint8Array, channels: number): Uint8Array {
  if (channels === 4) return samples;
  const pixels = new Uint8Array((samples.length / 3) * 4);
  for (let source = 0, target = 0; source < samples.length; source += 3, target += 4) {
    pixels.set(samples.subarray(source, source + 3), target);
    pixels[target + 3] = 255;
  }
  return pixels;
}

/** How often each colour occurs, keyed `r,g,b` (alpha ignored). */
export function colorCounts(image: RgbaImage): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < image.pixels.length; i += 4) {
    const key = `${image.pixels[i]},${image.pixels[i + 1]},${image.pixels[i + 2]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
