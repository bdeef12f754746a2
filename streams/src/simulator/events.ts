import type { SensorKind } from '@hue-ioc/layers';
import type { CategoryCode } from '../incidents/taxonomy.ts';
import type { Position } from '../ingest/common.ts';
import type { CameraEventPayload } from '../ingest/camera.schema.ts';
import type { HotlineTicketPayload } from '../ingest/hotline.schema.ts';
import type { HueSReportPayload } from '../ingest/hue-s.schema.ts';
import type { KpiSamplePayload } from '../ingest/kpi.schema.ts';

/** The channels the simulator feeds, as its counters name them. */
export const SIM_CHANNELS = ['hue_s', 'hotline', 'kpi', 'sensor', 'camera_event', 'camera_status'] as const;
export type SimChannel = (typeof SIM_CHANNELS)[number];

/** What the simulator meant by a report: kept beside the payload for tests and the CLI, never sent. */
export interface ReportMeta {
  category: CategoryCode;
  wardCode: string;
  urgent: boolean;
  /** Part of the flood scenario's surge. */
  flood: boolean;
  /** Where the citizen or caller is (the pin, or where the caller is though the ticket has none). */
  position: Position;
}

export interface HotlineMeta extends ReportMeta {
  /** The Hue-S report this ticket repeats, with its model time. */
  duplicateOf: { id: string; at: number; position: Position } | null;
}

/*
 * One thing that happens at model time `at` (epoch ms of the simulated clock). The payload lacks its time
 * field: that is the wall-clock time of sending (`toWire`), since the server refuses times in the future.
 */
export type SimEvent =
  | { channel: 'hue_s'; at: number; body: Omit<HueSReportPayload, 'created_at'>; meta: ReportMeta }
  | { channel: 'hotline'; at: number; body: Omit<HotlineTicketPayload, 'created_at'>; meta: HotlineMeta }
  | { channel: 'kpi'; at: number; body: Omit<KpiSamplePayload, 'ts'> }
  | { channel: 'sensor'; at: number; deviceId: string; kind: SensorKind; body: { value: number } }
  | { channel: 'camera_event'; at: number; cameraId: string; body: Omit<CameraEventPayload, 'ts'> }
  | { channel: 'camera_status'; at: number; cameraId: string; body: { online: boolean } };

export type WebhookPath = '/api/ingest/hue-s' | '/api/ingest/hotline' | '/api/ingest/kpi';

export type WireMessage =
  | {
      transport: 'http';
      channel: 'hue_s' | 'hotline' | 'kpi';
      path: WebhookPath;
      body: Record<string, unknown>;
    }
  | {
      transport: 'mqtt';
      channel: 'sensor' | 'camera_event' | 'camera_status';
      topic: string;
      body: Record<string, unknown>;
    };

/** The message as a source sends it at wall-clock time `now`: a signed webhook body or an MQTT payload. */
export function toWire(e: SimEvent, now: Date): WireMessage {
  const ts = now.toISOString();
  switch (e.channel) {
    case 'hue_s':
      return {
        transport: 'http',
        channel: e.channel,
        path: '/api/ingest/hue-s',
        body: { ...e.body, created_at: ts },
      };
    case 'hotline':
      return {
        transport: 'http',
        channel: e.channel,
        path: '/api/ingest/hotline',
        body: { ...e.body, created_at: ts },
      };
    case 'kpi':
      return { transport: 'http', channel: e.channel, path: '/api/ingest/kpi', body: { ...e.body, ts } };
    case 'sensor':
      return {
        transport: 'mqtt',
        channel: e.channel,
        topic: `hue/sensors/${e.kind}/${e.deviceId}`,
        body: { ts, ...e.body },
      };
    case 'camera_event':
      return {
        transport: 'mqtt',
        channel: e.channel,
        topic: `hue/cameras/${e.cameraId}/events`,
        body: { ts, ...e.body },
      };
    case 'camera_status':
      return {
        transport: 'mqtt',
        channel: e.channel,
        topic: `hue/cameras/${e.cameraId}/status`,
        body: { ts, ...e.body },
      };
  }
}
