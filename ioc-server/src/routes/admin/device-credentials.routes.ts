import { Type } from '@sinclair/typebox';
import {
  DeviceCredentialSchema,
  DeviceIdParamsSchema,
  NewDeviceCredentialBodySchema,
  NewDeviceCredentialSchema,
} from '@hue-ioc/layers';
import { actorOf } from '../../auth/access.plugin.ts';
import { DeviceCredentialService, publicDeviceCredential } from '../../auth/device-credential.service.ts';
import { routePlugin } from '../route-plugin.ts';

/**
 * Device MQTT credentials (admin only, policy.ts): issue (the secret is answered once), list, revoke.
 * The embedded broker checks them at every login (issue 11, "the broker is closed"); README, "Adding a
 * device", has the curl a field technician runs.
 */
export const deviceCredentialRoutes = routePlugin(
  'device-credentials',
  ['db', 'mqtt-broker'],
  async (app) => {
    const service = new DeviceCredentialService({
      db: app.db,
      access: app.access,
      disconnect: (deviceId) => app.mqtt.disconnectDevice(deviceId),
    });
    const tags = ['admin'];

    app.get(
      '/api/admin/devices/:id/credentials',
      {
        schema: {
          tags,
          description:
            "A device's MQTT credentials, newest first (revoked ones included); never the secrets.",
          params: DeviceIdParamsSchema,
          response: { 200: Type.Object({ items: Type.Array(DeviceCredentialSchema) }) },
        },
      },
      async (req) => ({ items: (await service.list(req.params.id)).map(publicDeviceCredential) }),
    );

    app.post(
      '/api/admin/devices/:id/credentials',
      {
        schema: {
          tags,
          description:
            'Issues the MQTT credential of a device (username: the device id). The secret is in this answer ' +
            'only; a previous credential of the device stops working and its connections are closed.',
          params: DeviceIdParamsSchema,
          body: NewDeviceCredentialBodySchema,
          response: { 201: NewDeviceCredentialSchema },
        },
      },
      async (req, reply) => {
        const { row, secret, topics } = await service.issue(req.params.id, req.body.note, actorOf(req));
        reply.header('cache-control', 'no-store');
        return reply
          .code(201)
          .send({ ...publicDeviceCredential(row), username: row.device_id, secret, topics });
      },
    );

    app.delete(
      '/api/admin/devices/:id/credentials',
      {
        schema: {
          tags,
          description:
            "Revokes the device's MQTT credential and closes its connections to the embedded broker.",
          params: DeviceIdParamsSchema,
          response: { 200: DeviceCredentialSchema },
        },
      },
      async (req) => publicDeviceCredential(await service.revoke(req.params.id, actorOf(req))),
    );
  },
);
