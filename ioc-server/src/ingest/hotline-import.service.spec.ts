import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { silentLogger, WardIndex } from '@hue-ioc/streams';
import { HotlineImportService } from './hotline-import.service.ts';
import {
  ManualClock,
  MemoryDeadLetterSink,
  MemoryImportJobStore,
  memoryIncidentService,
} from '../../test/support/memory-ports.ts';

/** The hotline CSV channel on memory ports: rows → streams (validate, normalise) → incident stream or dead letter. */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

const clock = new ManualClock('2026-11-27T03:00:00Z'); // 10:00 in Huế
const t = (minAgo: number) => new Date(clock.now().getTime() - minAgo * 60_000).toISOString();
// A 19001075 export with Vietnamese headers.
const csv = [
  'Mã phiếu,Lĩnh vực,Nội dung,Số điện thoại,Địa chỉ,Vĩ độ,Kinh độ,Thời gian,Điện thoại viên',
  `HL-1127-001,Chiếu sáng,"Đèn đường hỏng cả dãy, tối om",0905111222,"kiệt 12 Phan Đình Phùng, phường Thuận Hóa",,,${t(50)},tongdai-01`,
  `HL-1127-002,Môi trường,Rác ùn ứ ở chân cầu Dã Viên,0914333444,"cầu Dã Viên, Phú Xuân",16.4619,107.5738,${t(40)},tongdai-02`,
  `HL-1127-003,Giao thông,Ổ gà lớn giữa đường,số điện thoại sai,"Hùng Vương, An Cựu",16.4580,107.6005,${t(30)},tongdai-01`,
].join('\n');

describe('HotlineImportService on memory ports', () => {
  it('imports good rows, dead-letters a bad one by row number, and skips rows already imported', async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const jobs = new MemoryImportJobStore();
    const incidents = memoryIncidentService(clock);
    const service = new HotlineImportService({
      incidents: incidents.service,
      deadLetters,
      jobs,
      wards,
      clock,
      logger: silentLogger,
    });
    const rows = await service.parse(Buffer.from(csv));
    const first = await service.run(await service.start(rows, 'thang11.csv'), rows);
    expect(first).toMatchObject({ status: 'done', total: 3, created: 2, failed: 1, skipped: 0 });
    expect(first.errors).toEqual([{ row: 4, code: 'IOC_INGEST_PHONE', message: expect.any(String) }]);
    expect(deadLetters.letters).toMatchObject([
      { source: 'csv', reasonCode: 'IOC_INGEST_PHONE', topic: 'hotline.csv#4', details: { row: 4 } },
    ]);
    expect(await service.get(first.id)).toMatchObject({ status: 'done', created: 2 });
    const lit = [...incidents.store.rows.values()].find((r) => r.category === 'lighting');
    expect(lit).toMatchObject({ ward_code: '19789' }); // placed by its address: no coordinates in the row

    const again = await service.run(await service.start(rows, 'thang11.csv'), rows);
    expect(again).toMatchObject({ created: 0, skipped: 2, failed: 1 });
    expect(incidents.store.rows.size).toBe(2);
  });

  it('records an unexpected error of one row by number and goes on; stops after 20 in a row (the store is down)', async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const incidents = memoryIncidentService(clock);
    let calls = 0;
    const flaky = {
      ingest: (input: Parameters<typeof incidents.service.ingest>[0]) =>
        ++calls === 1 ? Promise.reject(new TypeError('boom')) : incidents.service.ingest(input),
    };
    const deps = { deadLetters, jobs: new MemoryImportJobStore(), wards, clock, logger: silentLogger };
    const service = new HotlineImportService({ ...deps, incidents: flaky });
    const rows = await service.parse(Buffer.from(csv));
    const job = await service.run(await service.start(rows, null), rows);
    expect(job).toMatchObject({ status: 'done', processed: 3, created: 1, failed: 2 });
    expect(job.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'IOC_INTERNAL'],
      [4, 'IOC_INGEST_PHONE'],
    ]);
    expect(deadLetters.letters.map((l) => l.topic)).toEqual(['hotline.csv#2', 'hotline.csv#4']);

    const down = new HotlineImportService({
      ...deps,
      incidents: { ingest: () => Promise.reject(new Error('connection terminated')) },
    });
    const many = Array.from({ length: 40 }, (_, i) => ({ ...rows[0]!, ticket_id: `HL-1127-1${i}` }));
    const failed = await down.run(await down.start(many, null), many);
    expect(failed).toMatchObject({ status: 'failed', failed: 20 });
  });

  it('parses an export in chunks: quoted fields across chunk boundaries, a BOM, the header names as aliases', async () => {
    const service = new HotlineImportService({
      incidents: memoryIncidentService(clock).service,
      deadLetters: new MemoryDeadLetterSink(),
      jobs: new MemoryImportJobStore(),
      wards,
      clock,
      logger: silentLogger,
    });
    const long = 'Nước ngập, cống tắc; '.repeat(2_000); // ~40 KB in one quoted field: crosses 16 KB chunks
    const rows = await service.parse(
      Buffer.from(`\uFEFF${csv}\nHL-1127-004,Khác,"${long}",0905111223,"Vỹ Dạ",,,${t(5)},tongdai-03\n`),
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ ticket_id: 'HL-1127-001', category: 'Chiếu sáng', agent: 'tongdai-01' });
    expect(rows[3]!.summary).toBe(long); // every multi-byte letter intact across the chunks
    await expect(service.parse(Buffer.from('Mã phiếu,"Nội dung\nHL-1,"x'))).rejects.toMatchObject({
      code: 'IOC_INGEST_CSV',
    });
    await expect(service.parse(Buffer.from(''))).rejects.toMatchObject({ code: 'IOC_INGEST_CSV' });
  });
});
