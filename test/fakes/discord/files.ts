const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

/** Discord rewrites uploaded file names: whitespace becomes `_`, characters outside `[A-Za-z0-9._-]` are dropped. */
export function sanitizeFilename(name: string): string {
  const cleaned = name.replace(/\s+/g, '_').replace(/[^A-Za-z0-9._-]/g, '');
  return cleaned.replace(/^\.+/, '') || 'unknown';
}

/** The content type Discord reports for an upload: the declared one, else guessed from the extension; text gets a charset. */
export function contentTypeFor(filename: string, declared: string | null | undefined): string | null {
  let type = declared && declared !== 'application/octet-stream' ? declared : null;
  if (!type) {
    const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
    type = EXTENSION_TYPES[ext] ?? (declared || null);
  }
  if (type && type.startsWith('text/') && !/charset=/i.test(type)) type = `${type}; charset=utf-8`;
  return type;
}

/** Width and height of a PNG, GIF or JPEG image, as Discord reports them on attachments. */
export function imageSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return null;
      const marker = bytes[offset + 1]!;
      const length = bytes.readUInt16BE(offset + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return null;
}
