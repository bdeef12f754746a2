import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientIdAllowed,
  deviceTopics,
  isLoopbackHost,
  publishAllowed,
  subscribeAllowed,
  type BrokerPrincipal,
} from './broker-access.ts';

const kimLong: BrokerPrincipal = { kind: 'device', deviceId: 'kim-long', deviceKind: 'water_level' };
const camera: BrokerPrincipal = { kind: 'device', deviceId: 'cam-cau-truong-tien', deviceKind: 'camera' };
const ingest: BrokerPrincipal = { kind: 'ingest' };
const publisher: BrokerPrincipal = { kind: 'publisher' };
const anonymous: BrokerPrincipal = { kind: 'anonymous' };

describe('broker access rules', () => {
  it('lets a sensor publish only its own readings, under its registered kind', () => {
    expect(publishAllowed(kimLong, 'hue/sensors/water_level/kim-long')).toBe(true);
    expect(publishAllowed(kimLong, 'hue/sensors/water_level/phu-oc')).toBe(false);
    expect(publishAllowed(kimLong, 'hue/sensors/rain/kim-long')).toBe(false);
    expect(publishAllowed(kimLong, 'hue/cameras/kim-long/events')).toBe(false);
    expect(publishAllowed(kimLong, 'hue/sensors/water_level/kim-long/extra')).toBe(false);
    expect(publishAllowed(kimLong, '$SYS/broker/version')).toBe(false);
  });

  it('lets a camera publish only its own events and status', () => {
    expect(publishAllowed(camera, 'hue/cameras/cam-cau-truong-tien/events')).toBe(true);
    expect(publishAllowed(camera, 'hue/cameras/cam-cau-truong-tien/status')).toBe(true);
    expect(publishAllowed(camera, 'hue/cameras/cam-cau-truong-tien/config')).toBe(false);
    expect(publishAllowed(camera, 'hue/cameras/cam-dong-ba/events')).toBe(false);
    expect(publishAllowed(camera, 'hue/sensors/camera/cam-cau-truong-tien')).toBe(false);
  });

  it('never lets a device publish to another device id (property)', () => {
    const id = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
    fc.assert(
      fc.property(
        id,
        id,
        fc.constantFrom('water_level', 'rain', 'camera'),
        fc.string(),
        (own, other, kind, rest) => {
          fc.pre(own !== other);
          const device: BrokerPrincipal = { kind: 'device', deviceId: own, deviceKind: kind };
          for (const topic of [
            `hue/sensors/${kind}/${other}`,
            `hue/cameras/${other}/events`,
            `hue/cameras/${other}/status`,
            `hue/sensors/${kind}/${other}/${rest}`,
            rest,
          ])
            expect(publishAllowed(device, topic)).toBe(false);
        },
      ),
      { seed: 46, numRuns: 500 },
    );
  });

  it('lets the simulator and local anonymous clients publish device topics, and only those', () => {
    for (const p of [publisher, anonymous]) {
      expect(publishAllowed(p, 'hue/sensors/water_level/kim-long')).toBe(true);
      // Unknown kinds reach the ingest, which dead-letters them with a reason.
      expect(publishAllowed(p, 'hue/sensors/radiation/geiger-1')).toBe(true);
      expect(publishAllowed(p, 'hue/cameras/cam-dong-ba/status')).toBe(true);
      expect(publishAllowed(p, 'hue/cameras/cam-dong-ba/config')).toBe(false);
      expect(publishAllowed(p, 'hue/alerts/kim-long')).toBe(false);
      expect(publishAllowed(p, '$SYS/broker/clients')).toBe(false);
    }
    expect(publishAllowed(ingest, 'hue/sensors/water_level/kim-long')).toBe(false);
  });

  it('lets only the ingest client subscribe, and only to the hue tree', () => {
    for (const filter of [
      'hue/#',
      'hue/sensors/+/+',
      'hue/cameras/+/events',
      '$share/hue-ioc/hue/sensors/+/+',
    ])
      expect(subscribeAllowed(ingest, filter)).toBe(true);
    for (const filter of ['#', '$SYS/#', '+/sensors/+/+', '$share/g/#'])
      expect(subscribeAllowed(ingest, filter)).toBe(false);
    for (const p of [kimLong, camera, publisher, anonymous]) {
      for (const filter of ['hue/#', 'hue/sensors/water_level/kim-long', '#', '$SYS/#'])
        expect(subscribeAllowed(p, filter)).toBe(false);
    }
  });

  it("reserves the server's client ids for the internal users", () => {
    expect(clientIdAllowed(ingest, 'hue-ioc-ingest-ioc-1')).toBe(true);
    expect(clientIdAllowed(publisher, 'hue-ioc-ingest-ioc-1')).toBe(true);
    expect(clientIdAllowed(anonymous, 'hue-ioc-ingest-ioc-1')).toBe(false);
    expect(clientIdAllowed(kimLong, 'hue-ioc-ingest-ioc-1')).toBe(false);
    expect(clientIdAllowed(kimLong, 'kim-long')).toBe(true);
    expect(clientIdAllowed(anonymous, 'mosqpub|1234-tram-kim-long')).toBe(true);
  });

  it('lists exactly the topics a device may publish to', () => {
    for (const [principal, topics] of [
      [kimLong, ['hue/sensors/water_level/kim-long']],
      [camera, ['hue/cameras/cam-cau-truong-tien/events', 'hue/cameras/cam-cau-truong-tien/status']],
    ] as const) {
      if (principal.kind !== 'device') throw new Error('device expected');
      expect(deviceTopics(principal.deviceId, principal.deviceKind)).toEqual(topics);
      for (const t of topics) expect(publishAllowed(principal, t)).toBe(true);
    }
  });

  it('knows which bind addresses are loopback', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.20', 'broker.hue.gov.vn', '::ffff:10.0.0.1'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
