import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '@hue-ioc/streams';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';

const SECRET = 'test-hotline-secret-46';

async function upload(ioc: RunningIoc, csv: string, query = '') {
  const headers = signBody(SECRET, csv, Math.floor(Date.now() / 1000));
  const res = await fetch(`${ioc.baseUrl}/api/ingest/hotline/csv${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...headers },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('hotline CSV import', () => {
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
  });
  afterAll(async () => {
    await ioc?.close();
  });

  // A call-centre export with Vietnamese headers, as the 19001075 system writes it.
  const now = Date.now();
  const t = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  const csv = [
    'Mã phiếu,Lĩnh vực,Nội dung,Số điện thoại,Địa chỉ,Vĩ độ,Kinh độ,Thời gian,Điện thoại viên',
    `HL-CSV-1,Chiếu sáng,"Đèn đường hỏng cả dãy, tối om",0905111222,"kiệt 12 Phan Đình Phùng, phường Thuận Hóa",,,${t(50)},tongdai-01`,
    `HL-CSV-2,Môi trường,Rác ùn ứ ở chân cầu Dã Viên,0914333444,"cầu Dã Viên, Phú Xuân",16.4619,107.5738,${t(40)},tongdai-02`,
    `HL-CSV-3,Giao thông,Ổ gà lớn giữa đường,số điện thoại sai,"Hùng Vương, An Cựu",16.4580,107.6005,${t(30)},tongdai-01`,
    `HL-CSV-4,Khác,Thiếu thời gian,0905999888,"Vỹ Dạ",16.47,107.61,,tongdai-03`,
  ].join('\n');

  it('imports good rows, reports bad rows by number, and skips rows already imported on a re-run', async () => {
    const first = await upload(ioc, csv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'done',
      total: 4,
      processed: 4,
      created: 2,
      skipped: 0,
      failed: 2,
    });
    const errors = first.body.errors as { row: number; code: string }[];
    expect(errors.map((e) => e.row)).toEqual([4, 5]);
    expect(errors[0]!.code).toBe('IOC_INGEST_PHONE');

    // The row without coordinates found its ward from the address text.
    const [lit] = await ioc.app.db.query<{ ward_code: string; category: string }>(
      `SELECT i.ward_code, i.category FROM incidents i JOIN incident_sources s ON s.incident_id = i.id WHERE s.source_id = 'HL-CSV-1'`,
    );
    expect(lit).toEqual({ ward_code: '19789', category: 'lighting' });
    const letters = await ioc.app.repos.deadLetters.recent(10, 'csv');
    expect(letters.map((l) => l.topic).sort()).toEqual(['hotline.csv#4', 'hotline.csv#5']);

    const again = await upload(ioc, csv);
    expect(again.body).toMatchObject({ status: 'done', created: 0, skipped: 2, failed: 2 });
  });

  it('answers 202 with a job to poll when asked not to wait, and refuses a file that is not a CSV export', async () => {
    const started = await upload(
      ioc,
      csv.replace(/HL-CSV-/g, 'HL-CSV-B'),
      '?wait=false&filename=thang11.csv',
    );
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const ts = Math.floor(Date.now() / 1000);
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 100 && job.status !== 'done'; i++) {
      const res = await fetch(`${ioc.baseUrl}/api/ingest/imports/${id}`, {
        headers: signBody(SECRET, '', ts),
      });
      job = (await res.json()) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Same places and kinds as the first file, within the merge window: one joins the open incident.
    expect(job).toMatchObject({ status: 'done', processed: 4, created: 1, merged: 1, failed: 2 });

    const bad = await upload(ioc, 'hello,world\n1,2\n');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'IOC_INGEST_CSV' } } });
  });
});
