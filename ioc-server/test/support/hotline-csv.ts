/**
 * A hotline 19001075 export of `bytes` bytes or more, as the call centre's system writes it (Vietnamese
 * headers, quoted fields with commas, addresses of Huế's wards): what a month of a busy call centre looks
 * like, for the CSV limits test and bench/csv-import-block.ts.
 */
export function hotlineExport(bytes: number, opts: { now?: number; idPrefix?: string } = {}): Buffer {
  const now = opts.now ?? Date.now();
  const prefix = opts.idPrefix ?? 'HL-BIG';
  const places = [
    ['kiệt 12 Phan Đình Phùng, phường Thuận Hóa', '', ''],
    ['cầu Dã Viên, Phú Xuân', '16.4619', '107.5738'],
    ['Hùng Vương, An Cựu', '16.4580', '107.6005'],
    ['chợ Đông Ba, phường Phú Xuân', '16.4722', '107.5878'],
    ['đường Kim Long, phường Kim Long', '', ''],
  ] as const;
  const topics = [
    ['Chiếu sáng', 'Đèn đường hỏng cả dãy, tối om, người dân đi lại khó khăn vào ban đêm'],
    ['Môi trường', 'Rác ùn ứ nhiều ngày ở chân cầu, bốc mùi hôi, đề nghị thu gom sớm'],
    ['Giao thông', 'Ổ gà lớn giữa đường, xe máy dễ té ngã, đề nghị sửa chữa gấp'],
    ['Thoát nước, ngập úng', 'Nước ngập khoảng 30cm sau mưa lớn, cống thoát nước bị tắc'],
  ] as const;
  const lines = ['Mã phiếu,Lĩnh vực,Nội dung,Số điện thoại,Địa chỉ,Vĩ độ,Kinh độ,Thời gian,Điện thoại viên'];
  let size = Buffer.byteLength(lines[0]!) + 1;
  for (let i = 0; size < bytes; i++) {
    const [address, lat, lon] = places[i % places.length]!;
    const [category, summary] = topics[i % topics.length]!;
    const at = new Date(now - (i % 600) * 60_000).toISOString();
    const line = `${prefix}-${i},${category},"${summary} (phiếu ${i})",0905${String(i % 1_000_000).padStart(6, '0')},"${address}",${lat},${lon},${at},tongdai-${String(i % 20).padStart(2, '0')}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}
