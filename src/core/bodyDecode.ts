import * as zlib from 'node:zlib';

export interface DecodedBody {
  /** The bytes to display: decompressed when the body was compressed, else the stored bytes. */
  readonly bytes: Buffer;
  /** The content-encoding that was undone, if any. */
  readonly decodedFrom?: string;
  /** True when decompression stopped at the output limit (e.g. a gzip bomb). */
  readonly truncated: boolean;
  /** Set when the body claimed an encoding that could not be decoded. */
  readonly error?: string;
}

/** Default cap on decompressed output for display: 50 MiB. */
export const DEFAULT_DECODE_LIMIT = 50 * 1024 * 1024;

/**
 * Decodes a stored body for display only (storage keeps the bytes as received). Output is bounded by
 * `maxOutput`, so a tiny gzip that expands to gigabytes costs at most `maxOutput` bytes of memory.
 */
export async function decodeForDisplay(
  body: Buffer,
  contentEncoding: string | undefined,
  maxOutput = DEFAULT_DECODE_LIMIT,
): Promise<DecodedBody> {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity');
  if (encodings.length === 0 || body.length === 0) {
    return { bytes: body, truncated: false };
  }
  let bytes = body;
  let truncated = false;
  // Encodings are listed in the order they were applied: undo them from the last.
  for (const enc of [...encodings].reverse()) {
    const fn = decoder(enc);
    if (!fn) {
      return { bytes: body, truncated: false, error: `Unknown content-encoding "${enc}": shown as received.` };
    }
    try {
      bytes = fn(bytes, { maxOutputLength: maxOutput });
    } catch (err) {
      if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        bytes = await partialDecode(enc, bytes, maxOutput);
        truncated = true;
      } else {
        return {
          bytes: body,
          truncated: false,
          error: `The body says content-encoding "${enc}" but could not be decoded: ${(err as Error).message}`,
        };
      }
    }
  }
  return { bytes, decodedFrom: encodings.join(', '), truncated };
}

type SyncDecoder = (buf: Buffer, opts: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer;

function decoder(enc: string): SyncDecoder | undefined {
  switch (enc) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync;
    case 'deflate':
      return (buf, opts) => {
        // "deflate" in HTTP is zlib-wrapped, but some senders send raw deflate.
        try {
          return zlib.inflateSync(buf, opts);
        } catch (err) {
          if (err instanceof RangeError) {
            throw err;
          }
          return zlib.inflateRawSync(buf, opts);
        }
      };
    case 'br':
      return zlib.brotliDecompressSync;
    default:
      return undefined;
  }
}

/** The first `max` decoded bytes of a body whose full expansion is over the limit (public streaming API). */
function partialDecode(enc: string, buf: Buffer, max: number): Promise<Buffer> {
  const stream = enc === 'br' ? zlib.createBrotliDecompress() : enc === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = () => {
      stream.destroy();
      resolve(Buffer.concat(chunks).subarray(0, max));
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= max) {
        finish();
      }
    });
    stream.on('end', finish);
    stream.on('error', finish);
    stream.end(buf);
  });
}
