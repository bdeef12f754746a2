import { describe, expect, it } from 'vitest';
import { clockCountdown, handledCountdown, workingCountdown } from './countdown';

describe('working-time countdown (hạn xử lý)', () => {
  it('words the working minutes left in Vietnamese and English', () => {
    expect(workingCountdown(135, 'vi')).toEqual({ text: 'Còn 2 giờ 15 phút làm việc', tone: 'due_soon' });
    expect(workingCountdown(135, 'en').text).toBe('2 hours 15 minutes of working time left');
    expect(workingCountdown(45, 'vi').text).toBe('Còn 45 phút làm việc');
    expect(workingCountdown(16 * 60 + 20, 'vi')).toEqual({ text: 'Còn 16 giờ làm việc', tone: 'on_time' });
    expect(workingCountdown(0, 'vi')).toEqual({ text: 'Đến hạn', tone: 'due_soon' });
    expect(workingCountdown(null, 'vi')).toEqual({ text: 'Chưa có hạn xử lý', tone: 'none' });
  });

  it('says how far past the deadline a case is, in working time', () => {
    expect(workingCountdown(-180, 'vi')).toEqual({ text: 'Quá hạn 3 giờ làm việc', tone: 'overdue' });
    expect(workingCountdown(-200, 'vi').text).toBe('Quá hạn 3 giờ 20 phút làm việc');
    expect(workingCountdown(-60, 'en').text).toBe('Overdue by 1 hour of working time');
    expect(workingCountdown(-1, 'vi').text).toBe('Quá hạn 1 phút làm việc');
  });

  it('gives the queue a short clock countdown in the largest whole unit', () => {
    const now = Date.parse('2026-12-01T03:00:00Z');
    expect(clockCountdown('2026-12-01T06:30:00Z', now, 'vi')).toEqual({
      text: 'còn 3 giờ',
      tone: 'due_soon',
    });
    expect(clockCountdown('2026-12-04T03:00:00Z', now, 'vi')).toEqual({
      text: 'còn 3 ngày',
      tone: 'on_time',
    });
    expect(clockCountdown('2026-11-29T01:00:00Z', now, 'vi')).toEqual({
      text: 'quá hạn 2 ngày',
      tone: 'overdue',
    });
    expect(clockCountdown('2026-12-01T02:59:30Z', now, 'en')).toEqual({
      text: '1 min overdue',
      tone: 'overdue',
    });
    expect(clockCountdown(null, now, 'vi').tone).toBe('none');
    // The server knows better: an escalated case is overdue even if the clock says otherwise.
    expect(clockCountdown('2026-12-02T03:00:00Z', now, 'vi', 'escalated').tone).toBe('overdue');
  });
});

describe('handledCountdown', () => {
  it('says on time or late once the clock has stopped, and nothing while it runs', () => {
    expect(handledCountdown('resolved', 'on_time', 'vi')).toEqual({
      text: 'Xử lý đúng hạn',
      tone: 'on_time',
    });
    expect(handledCountdown('closed', 'overdue', 'vi')).toEqual({ text: 'Xử lý trễ hạn', tone: 'overdue' });
    expect(handledCountdown('closed', 'escalated', 'en')?.text).toBe('Handled late');
    expect(handledCountdown('rejected', 'none', 'vi')?.tone).toBe('none');
    expect(handledCountdown('in_progress', 'due_soon', 'vi')).toBeNull();
  });
});
