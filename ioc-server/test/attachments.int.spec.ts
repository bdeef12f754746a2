import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fileTypeFromBuffer } from 'file-type';
import { ATTACHMENT_LIMITS, type AttachmentUploadResult } from '@hue-ioc/layers';
import { DISPLAY_TOKEN, startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, TEST_AGENCY, type Session } from './support/auth.ts';

// Attachments of incidents (issue 12, item 4), through real multipart requests as the consoles send them.

type Json = {
  error?: { code: string; message: string; details?: { reason?: string; detectedType?: string } };
};

/** Another unit: Huewaco, the water company (seeded with the agencies). */
const OTHER_AGENCY = 'huewaco';

let ioc: RunningIoc;
let operator: Session;
let agency: Session;
let leader: Session;
let counter = 0;

/** A case at Phường Phú Xuân with the unit `agencyId`; returns its id. */
async function newIncident(agencyId: string | null): Promise<string> {
  counter += 1;
  const id = `IOC-2612-9${String(counter).padStart(5, '0')}`;
  await ioc.app.db.query(
    `INSERT INTO incidents (id, status, category, priority, title, description, lon, lat, agency_id)
     VALUES ($1, 'in_progress', 'ha_tang', 3, 'Ổ gà trên đường Lê Lợi', 'Ổ gà sâu trước số 12 Lê Lợi', 107.585, 16.463, $2)`,
    [id, agencyId],
  );
  return id;
}

async function upload(
  session: Session,
  incidentId: string,
  file: { bytes: Uint8Array; name: string; type: string },
  query = '',
) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${ioc.baseUrl}/api/incidents/${incidentId}/attachments${query}`, {
    method: 'POST',
    headers: session.headers(true),
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as AttachmentUploadResult & Json };
}

async function download(headers: Record<string, string>, url: string) {
  const res = await fetch(`${ioc.baseUrl}${url}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A phone photo: 600 × 400 stored sideways (EXIF orientation 6), with the GPS position of Đại Nội. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 180, g: 120, b: 60 } } })
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'Samsung', Model: 'Galaxy A54', Artist: 'Nguyễn Văn An' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '16/1 28/1 1800/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '107/1 34/1 4800/100',
      },
    })
    .toBuffer();
}

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } } })
    .png()
    .toBuffer();

beforeAll(async () => {
  ioc = await startIoc();
  operator = await sessionFor(ioc.app, 'operator');
  agency = await sessionFor(ioc.app, 'agency');
  leader = await sessionFor(ioc.app, 'leader');
}, 120_000);

afterAll(async () => {
  await ioc?.close();
});

describe('POST /api/incidents/:id/attachments', () => {
  it('re-encodes a phone photo: upright, no EXIF (GPS, camera, owner), an attachment event and a new version', async () => {
    const photo = await phonePhoto();
    const before = await sharp(photo).metadata();
    expect(before.exif?.toString('latin1')).toContain('Galaxy A54');
    expect(before.orientation).toBe(6);

    const id = await newIncident(TEST_AGENCY);
    const res = await upload(operator, id, { bytes: photo, name: 'Ảnh hiện trường.JPG', type: 'image/jpeg' });
    expect(res.status).toBe(201);
    const a = res.body.attachment;
    expect(a).toMatchObject({
      contentType: 'image/jpeg',
      filename: 'Ảnh hiện trường.jpg',
      width: 400,
      height: 600,
    });
    expect(a.url).toBe(`/api/attachments/${a.id}`);
    expect(res.body.incidentVersion).toBe(2);

    const file = await download(operator.headers(), a.url);
    expect(file.status).toBe(200);
    expect(file.bytes.length).toBe(a.bytes);
    const after = await sharp(file.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect([after.width, after.height]).toEqual([400, 600]);
    expect(file.bytes.toString('latin1')).not.toContain('Galaxy');

    const events = await ioc.app.db.query<{ type: string; actor: string; data: { attachmentId: string } }>(
      `SELECT type, actor, data FROM incident_events WHERE incident_id = $1`,
      [id],
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'attachment',
        actor: operator.username,
        data: expect.objectContaining({ attachmentId: a.id }),
      }),
    ]);
    const [row] = await ioc.app.db.query<{ version: number }>(`SELECT version FROM incidents WHERE id = $1`, [
      id,
    ]);
    expect(row!.version).toBe(2);
    expect(await ioc.app.attachments.list(id)).toEqual([a]);
  });

  it('decides the type by the bytes: a PNG named .jpg and sent as image/jpeg is stored as WebP', async () => {
    const id = await newIncident(TEST_AGENCY);
    const res = await upload(operator, id, {
      bytes: await png(),
      name: 'so-do-vi-tri.jpg',
      type: 'image/jpeg',
    });
    expect(res.status).toBe(201);
    expect(res.body.attachment).toMatchObject({ contentType: 'image/webp', filename: 'so-do-vi-tri.webp' });
    const file = await download(operator.headers(), res.body.attachment.url);
    expect(file.headers.get('content-type')).toBe('image/webp');
    expect((await fileTypeFromBuffer(file.bytes))?.mime).toBe('image/webp');
    expect((await sharp(file.bytes).metadata()).hasAlpha).toBe(true);
  });

  it('keeps a PDF as it is, served as a download', async () => {
    const id = await newIncident(TEST_AGENCY);
    const res = await upload(operator, id, {
      bytes: minimalPdf(),
      name: 'bien-ban-nghiem-thu.pdf',
      type: 'application/pdf',
    });
    expect(res.status).toBe(201);
    expect(res.body.attachment).toMatchObject({ contentType: 'application/pdf', bytes: minimalPdf().length });
    const file = await download(operator.headers(), res.body.attachment.url);
    expect(file.bytes.equals(minimalPdf())).toBe(true);
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="bien-ban-nghiem-thu.pdf"/,
    );
  });

  it.each([
    [
      'an HTML page named .jpg',
      Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'),
      'anh.jpg',
      'image/jpeg',
      'wrong_type',
    ],
    [
      'an SVG with a script',
      Buffer.from(
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ),
      'logo.svg',
      'image/svg+xml',
      'wrong_type',
    ],
    ['a Windows executable named .pdf', windowsExe(), 'bao-cao.pdf', 'application/pdf', 'wrong_type'],
    ['an empty file', Buffer.alloc(0), 'anh.jpg', 'image/jpeg', 'empty'],
    ['a JPEG with a <script> in a comment segment', null, 'anh.jpg', 'image/jpeg', 'polyglot'],
    [
      'a PDF that runs JavaScript (name hex-escaped)',
      pdfWith('/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>'),
      'bien-ban.pdf',
      'application/pdf',
      'active_content',
    ],
    ['a truncated JPEG', null, 'anh.jpg', 'image/jpeg', 'corrupt'],
  ])('refuses %s', async (_, bytes, name, type, reason) => {
    const id = await newIncident(TEST_AGENCY);
    const photo = await phonePhoto();
    const file =
      bytes ??
      (reason === 'polyglot'
        ? jpegWithComment(photo, '<script>fetch("/api/auth/me")</script>')
        : photo.subarray(0, Math.floor(photo.length / 2)));
    const res = await upload(operator, id, { bytes: file, name, type });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'IOC_ATTACHMENT_INVALID', details: { reason } });
    expect(await ioc.app.attachments.list(id)).toEqual([]);
  });

  it('refuses a file over 10 MB (400 too_large) and a body far over it before reading it (413)', async () => {
    const id = await newIncident(TEST_AGENCY);
    const big = Buffer.alloc(ATTACHMENT_LIMITS.maxBytes + 1, 0x41);
    const res = await upload(operator, id, { bytes: big, name: 'video.jpg', type: 'image/jpeg' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'IOC_ATTACHMENT_INVALID',
      details: { reason: 'too_large' },
    });

    // 50 MB announced, nothing sent: the answer comes from the headers alone.
    const answer = await new Promise<{ status: number; connection?: string; body: Json }>(
      (resolve, reject) => {
        const req = httpRequest(`${ioc.baseUrl}/api/incidents/${id}/attachments`, {
          method: 'POST',
          headers: {
            ...operator.headers(true),
            'content-type': 'multipart/form-data; boundary=----hue',
            'content-length': String(50 * 1024 * 1024),
          },
        });
        req.on('response', (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => {
            req.destroy();
            resolve({
              status: r.statusCode ?? 0,
              connection: r.headers.connection,
              body: JSON.parse(text) as Json,
            });
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(answer.body.error?.code).toBe('IOC_REQUEST_TOO_LARGE');
  });

  it(`refuses the ${ATTACHMENT_LIMITS.maxPerIncident + 1}th file of an incident`, async () => {
    const id = await newIncident(TEST_AGENCY);
    const small = await png();
    for (let i = 0; i < ATTACHMENT_LIMITS.maxPerIncident; i++) {
      expect(
        (await upload(operator, id, { bytes: small, name: `anh-${i}.png`, type: 'image/png' })).status,
      ).toBe(201);
    }
    const res = await upload(operator, id, { bytes: small, name: 'anh-10.png', type: 'image/png' });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.reason).toBe('too_many');
    expect(await ioc.app.attachments.list(id)).toHaveLength(ATTACHMENT_LIMITS.maxPerIncident);
  }, 60_000);

  it('refuses a body that is not multipart (415) and an unknown incident (404)', async () => {
    const id = await newIncident(TEST_AGENCY);
    const json = await fetch(`${ioc.baseUrl}/api/incidents/${id}/attachments`, {
      method: 'POST',
      headers: { ...operator.headers(true), 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'aGVsbG8=' }),
    });
    expect(json.status).toBe(415);
    const missing = await upload(operator, 'IOC-2612-000000', {
      bytes: await png(),
      name: 'a.png',
      type: 'image/png',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('IOC_INCIDENT_NOT_FOUND');
  });
});

describe('agency isolation and roles', () => {
  it("an agency account uploads to and reads its own unit's cases only; another unit's answers 404", async () => {
    const own = await newIncident(TEST_AGENCY);
    const foreign = await newIncident(OTHER_AGENCY);
    const photo = await png();

    const mine = await upload(agency, own, { bytes: photo, name: 'da-xu-ly.png', type: 'image/png' });
    expect(mine.status).toBe(201);
    expect((await download(agency.headers(), mine.body.attachment.url)).status).toBe(200);

    const theirs = await upload(agency, foreign, { bytes: photo, name: 'anh.png', type: 'image/png' });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error?.code).toBe('IOC_INCIDENT_NOT_FOUND');
    expect(await ioc.app.attachments.list(foreign)).toEqual([]);

    const desk = await upload(operator, foreign, { bytes: photo, name: 'anh.png', type: 'image/png' });
    expect(desk.status).toBe(201);
    const peek = await download(agency.headers(), desk.body.attachment.url);
    expect(peek.status).toBe(404);
    expect(JSON.parse(peek.bytes.toString()).error.code).toBe('IOC_ATTACHMENT_NOT_FOUND');
    // Same answer as an id that does not exist: no oracle.
    const none = await download(agency.headers(), '/api/attachments/00000000-0000-4000-8000-000000000000');
    expect(none.status).toBe(404);
  });

  it('leaders read but do not upload; wall screens do neither', async () => {
    const id = await newIncident(TEST_AGENCY);
    const res = await upload(operator, id, { bytes: await png(), name: 'anh.png', type: 'image/png' });
    expect((await download(leader.headers(), res.body.attachment.url)).status).toBe(200);
    expect(
      (await upload(leader, id, { bytes: await png(), name: 'anh.png', type: 'image/png' })).status,
    ).toBe(403);
    const wall = await download({ authorization: `Bearer ${DISPLAY_TOKEN}` }, res.body.attachment.url);
    expect(wall.status).toBe(403);
  });
});

describe('GET /api/attachments/:id', () => {
  it('serves the stored type, never sniffed nor run, privately cached, with a revalidation tag', async () => {
    const id = await newIncident(TEST_AGENCY);
    const res = await upload(operator, id, {
      bytes: await phonePhoto(),
      name: 'Cống thoát nước "số 3".jpg',
      type: 'image/jpeg',
    });
    const file = await download(operator.headers(), res.body.attachment.url);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('cache-control')).toMatch(/^private/);
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.headers.get('content-disposition')).toBe(
      `inline; filename="Cong thoat nuoc so 3.jpg"; filename*=UTF-8''${encodeURIComponent('Cống thoát nước số 3.jpg')}`,
    );
    const etag = file.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await download({ ...operator.headers(), 'if-none-match': etag }, res.body.attachment.url);
    expect(again.status).toBe(304);
  });
});

function minimalPdf(): Buffer {
  return pdfWith('');
}

/** A one-page PDF (ISO 32000-1 §7.5) with `extra` in its catalogue. */
function pdfWith(extra: string): Buffer {
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R ${extra}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A JPEG with a COM segment (JPEG T.81 B.2.4.5) right after SOI holding `text`. */
function jpegWithComment(jpeg: Buffer, text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + payload.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  payload.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The start of a PE file: the MZ header pointing at a PE signature (what file-type looks for). */
function windowsExe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x014c, 0x84);
  return b;
}
