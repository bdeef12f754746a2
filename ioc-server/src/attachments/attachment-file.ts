import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { ATTACHMENT_ACCEPTED_TYPES, ATTACHMENT_LIMITS, type AttachmentRejectReason } from '@hue-ioc/layers';

/** A file ready to store: the bytes to keep (re-encoded for images), what they are, and a safe name. */
export interface PreparedFile {
  data: Buffer;
  sha256: string;
  contentType: string;
  filename: string;
  width: number | null;
  height: number | null;
}

export type PrepareResult =
  { ok: true; file: PreparedFile } | { ok: false; reason: AttachmentRejectReason; detectedType?: string };

/**
 * Decoding more pixels than this is refused as `corrupt` (a decompression bomb: a few KB of PNG can claim
 * 50,000 × 50,000). 64 MP is a 48 MP phone camera's full-size photo with room to spare.
 */
const MAX_INPUT_PIXELS = 64_000_000;
const JPEG_QUALITY = 85;
const WEBP_QUALITY = 85;

/**
 * Markup a browser would take for HTML (WHATWG MIME Sniffing §7.1, the HTML patterns) or an SVG, in the
 * first bytes: the JPEG-with-a-<script>-comment and PDF-that-is-also-HTML polyglots. Served with nosniff
 * they would not run, but they have no business in a field photo or a report either.
 */
const MARKUP = /<(?:!doctype\s+html|html|head|body|script|iframe|svg|style|title|object|embed)[\s>/]|<!--/;
/**
 * Names in a PDF that run something or carry files (ISO 32000-1 §12.6.4 actions, §7.11.4 embedded files).
 * `#xx` escapes in names (`/J#61vaScript`) are decoded first. A best effort: names inside compressed object
 * streams are not seen; the download is served as an attachment in a sandbox (attachments.routes.ts).
 */
const ACTIVE_PDF = /\/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])/;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/**
 * Decides what an uploaded file is by its bytes (file-type), never by the client's name or content type,
 * and makes it safe to keep: images are decoded and re-encoded (sharp) — turned upright by their EXIF
 * orientation, scaled to fit ATTACHMENT_LIMITS.maxPixels, every metadata block dropped (EXIF GPS, the
 * camera's serial, the owner's name: personal data, NĐ 13/2023/NĐ-CP), anything appended after the image
 * gone; JPEG stays JPEG, PNG and WebP become WebP (keeps transparency). PDFs are kept as they are once they
 * pass the checks above.
 */
export async function prepareAttachment(input: Uint8Array, clientName: string): Promise<PrepareResult> {
  if (input.length === 0) return { ok: false, reason: 'empty' };
  if (input.length > ATTACHMENT_LIMITS.maxBytes) return { ok: false, reason: 'too_large' };
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.length);
  const head = bytes.subarray(0, 1024).toString('latin1').toLowerCase();
  const detected = (await fileTypeFromBuffer(bytes))?.mime ?? (/^\s*</.test(head) ? 'text/html' : undefined);
  const accepted = (ATTACHMENT_ACCEPTED_TYPES as readonly string[]).includes(detected ?? '');
  if (!detected || !accepted) {
    return detected
      ? { ok: false, reason: 'wrong_type', detectedType: detected }
      : { ok: false, reason: 'wrong_type' };
  }
  if (MARKUP.test(head)) return { ok: false, reason: 'polyglot', detectedType: detected };

  if (detected === 'application/pdf') {
    const text = bytes.toString('latin1');
    if (!text.slice(-1024).includes('%%EOF')) return { ok: false, reason: 'corrupt', detectedType: detected };
    const names = text.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (ACTIVE_PDF.test(names)) return { ok: false, reason: 'active_content', detectedType: detected };
    return { ok: true, file: finish(bytes, 'application/pdf', clientName, null, null) };
  }

  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', animated: false })
      // No argument: the EXIF orientation, then the tag is dropped with the rest of the metadata.
      .rotate()
      .resize({
        width: ATTACHMENT_LIMITS.maxPixels,
        height: ATTACHMENT_LIMITS.maxPixels,
        fit: 'inside',
        withoutEnlargement: true,
      });
    const contentType = detected === 'image/jpeg' ? 'image/jpeg' : 'image/webp';
    const encoded =
      contentType === 'image/jpeg'
        ? image.jpeg({ quality: JPEG_QUALITY })
        : image.webp({ quality: WEBP_QUALITY, alphaQuality: 100 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { ok: true, file: finish(data, contentType, clientName, info.width, info.height) };
  } catch {
    return { ok: false, reason: 'corrupt', detectedType: detected };
  }
}

function finish(
  data: Buffer,
  contentType: string,
  clientName: string,
  width: number | null,
  height: number | null,
): PreparedFile {
  return {
    data,
    sha256: createHash('sha256').update(data).digest('hex'),
    contentType,
    filename: `${baseName(clientName)}.${EXTENSIONS[contentType] ?? 'bin'}`,
    width,
    height,
  };
}

/**
 * The client's file name for display and Content-Disposition only (storage keys are hashes): the last path
 * segment, NFC, without control or quoting characters or its extension (the real one is added), at most
 * 100 characters; Vietnamese letters are kept.
 */
export function baseName(clientName: string): string {
  const last = clientName.split(/[/\\]/).pop() ?? '';
  const cleaned = last
    // Browsers send `"`, CR and LF in a multipart file name as %22, %0D, %0A (HTML, "multipart/form-data
    // encoding algorithm").
    .replace(/%(?:22|0d|0a)/gi, '')
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|;]/g, '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    // Lone surrogates (not text; PostgreSQL refuses them).
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  const short = Array.from(cleaned).slice(0, 100).join('').trim();
  return short === '' ? 'tep-dinh-kem' : short;
}
