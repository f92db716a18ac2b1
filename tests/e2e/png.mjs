// Just enough PNG decoding for screenshots (8-bit RGB/RGBA, non-interlaced),
// so the pixel checks need nothing beyond Node itself.
import zlib from 'node:zlib';

export function decodePng(buf) {
  let pos = 8;  // signature
  let width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], colorType = data[9], interlace = data[12];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType})`);
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(width * height * 4);
  const prev = Buffer.alloc(stride), cur = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    raw.copy(cur, 0, y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels] : 0, b = prev[x], c = x >= channels ? prev[x - channels] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = (cur[x] + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels];
      out[o + 1] = cur[x * channels + 1];
      out[o + 2] = cur[x * channels + 2];
      out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    cur.copy(prev);
  }
  return {width, height, data: out};
}

// Statistics of a rectangle (in image pixels): distinct colours and luminance spread.
export function regionStats(img, x0, y0, w, h) {
  const colours = new Set();
  let sum = 0, sum2 = 0, n = 0;
  for (let y = Math.max(0, y0 | 0); y < Math.min(img.height, (y0 + h) | 0); y++) {
    for (let x = Math.max(0, x0 | 0); x < Math.min(img.width, (x0 + w) | 0); x++) {
      const o = (y * img.width + x) * 4;
      const r = img.data[o], g = img.data[o + 1], b = img.data[o + 2];
      colours.add((r << 16) | (g << 8) | b);
      const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = n ? sum / n : 0;
  return {pixels: n, colours: colours.size, mean, std: n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : 0};
}

// Mean absolute per-channel difference of the same rectangle in two images.
export function regionDiff(a, b, x0, y0, w, h) {
  let sum = 0, n = 0;
  for (let y = y0 | 0; y < Math.min(a.height, b.height, (y0 + h) | 0); y++) {
    for (let x = x0 | 0; x < Math.min(a.width, b.width, (x0 + w) | 0); x++) {
      const o = (y * a.width + x) * 4, p = (y * b.width + x) * 4;
      sum += Math.abs(a.data[o] - b.data[p]) + Math.abs(a.data[o + 1] - b.data[p + 1]) + Math.abs(a.data[o + 2] - b.data[p + 2]);
      n += 3;
    }
  }
  return n ? sum / n : 0;
}
