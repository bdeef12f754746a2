import type { NormalisedCameraEvent, NormalisedReport } from '@hue-ioc/streams';
import { CAMERA_EVENT_LABELS } from './labels.ts';
import type { IncidentInput } from './incident.service.ts';

/** A citizen report (Hue-S, hotline) as an incident input. */
export function reportInput(r: NormalisedReport): IncidentInput {
  return {
    channel: r.channel,
    sourceId: r.sourceId,
    category: r.category,
    title: r.title,
    description: r.description,
    position: r.position,
    wardCode: r.wardCode,
    address: r.address,
    media: r.media,
    reporter: r.reporter,
    urgent: r.urgent,
    occurredAt: r.createdAt,
    receivedAt: r.receivedAt,
  };
}

/** A camera analytics detection as an incident input. */
export function cameraInput(e: NormalisedCameraEvent, cameraName: string, receivedAt: Date): IncidentInput {
  const label = CAMERA_EVENT_LABELS[e.type];
  return {
    channel: 'camera',
    sourceId: e.sourceId,
    category: e.category,
    signal: `camera:${e.type}`,
    title: `${label.vi} — ${cameraName}`,
    description: `Camera ${cameraName} phát hiện: ${label.vi} (độ tin cậy ${Math.round(e.confidence * 100)}%)`,
    position: e.position,
    wardCode: e.wardCode,
    address: null,
    media: e.snapshotUrl ? [{ url: e.snapshotUrl, type: 'image' }] : [],
    reporter: null,
    cameraEvent: e.type,
    occurredAt: e.ts,
    receivedAt,
  };
}
