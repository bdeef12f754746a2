import type { CameraEventType } from '@hue-ioc/streams';

export const CAMERA_EVENT_LABELS: Readonly<Record<CameraEventType, { vi: string; en: string }>> = {
  flooding: { vi: 'Ngập nước', en: 'Flooding' },
  congestion: { vi: 'Ùn tắc giao thông', en: 'Congestion' },
  accident: { vi: 'Tai nạn giao thông', en: 'Traffic accident' },
  fire_smoke: { vi: 'Cháy, khói', en: 'Fire or smoke' },
  crowd: { vi: 'Tụ tập đông người', en: 'Crowd' },
  littering: { vi: 'Xả rác', en: 'Littering' },
  illegal_parking: { vi: 'Đỗ xe sai quy định', en: 'Illegal parking' },
};

/**
 * Confidence an analytics detection needs before it opens or joins an incident. Below it the event is still
 * stored (camera_events) and shown on the camera, but nobody is dispatched. Data, to be tuned per site.
 */
export const CAMERA_CONFIDENCE_THRESHOLDS: Readonly<Record<CameraEventType, number>> = {
  flooding: 0.7,
  congestion: 0.75,
  accident: 0.8,
  fire_smoke: 0.6,
  crowd: 0.8,
  littering: 0.85,
  illegal_parking: 0.85,
};
