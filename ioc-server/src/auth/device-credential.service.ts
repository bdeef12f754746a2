import { deviceTopics } from '@hue-ioc/streams';
import type { Db } from '../storage/db.ts';
import { AppError } from '../errors.ts';
import type { AccessService, ActorContext } from './access.service.ts';
import { DeviceCredentialRepository, type DeviceCredentialRow } from './device-credential.repository.ts';
import { newSecret, sha256 } from './secrets.ts';

export const publicDeviceCredential = (c: DeviceCredentialRow) => ({
  id: c.id,
  deviceId: c.device_id,
  hint: c.hint,
  createdBy: c.created_by,
  createdAt: new Date(c.created_at).toISOString(),
  lastUsedAt: c.last_used_at ? new Date(c.last_used_at).toISOString() : null,
  revokedAt: c.revoked_at ? new Date(c.revoked_at).toISOString() : null,
});

/** Secrets we issue are 43 characters (+ prefix); anything far off is not one of ours and costs no query. */
const plausibleSecret = (s: string) => s.length >= 16 && s.length <= 200;

/**
 * The embedded broker's check of a device login (username = device id, password = secret): the device
 * and its kind, or null. A SHA-256 lookup: the secrets are 256 random bits (0008_device_credentials.sql).
 */
export function checkDeviceSecret(
  repo: DeviceCredentialRepository,
  deviceId: string,
  secret: string,
): Promise<{ deviceId: string; kind: string } | null> {
  if (!plausibleSecret(secret) || deviceId.length > 64) return Promise.resolve(null);
  return repo.check(deviceId, sha256(secret));
}

/**
 * Issuing and revoking device MQTT credentials, each in the audit trail like display tokens
 * (`device_credential.issue`, `device_credential.revoke`). A revoked device is cut off the embedded broker
 * at once; with MQTT_URL (Mosquitto) its password file entry must be removed too (README, "Adding a device").
 */
export class DeviceCredentialService {
  readonly repo: DeviceCredentialRepository;

  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessService, 'record'>;
      /** Ends the device's open broker connections; returns how many. */
      disconnect: (deviceId: string) => number;
    },
  ) {
    this.repo = new DeviceCredentialRepository(deps.db);
  }

  private async kindOf(deviceId: string): Promise<string> {
    const kind = await this.repo.deviceKind(deviceId);
    if (kind === null) throw new AppError('IOC_DEVICE_NOT_FOUND', `no device "${deviceId}"`);
    return kind;
  }

  async list(deviceId: string): Promise<DeviceCredentialRow[]> {
    await this.kindOf(deviceId);
    return this.repo.list(deviceId);
  }

  /** A new secret for the device, answered once; the previous one (if any) stops working. */
  async issue(
    deviceId: string,
    note: string | undefined,
    actor: ActorContext,
  ): Promise<{ row: DeviceCredentialRow; secret: string; topics: string[] }> {
    const kind = await this.kindOf(deviceId);
    const secret = newSecret('ioc_dev_');
    const { row, replaced } = await this.deps.db.transaction(async (tx) => {
      const replaced = await this.repo.revokeActive(deviceId, tx);
      const row = await this.repo.create(
        {
          deviceId,
          secretHash: sha256(secret),
          hint: secret.slice(-4),
          createdBy: actor.principal?.userId ?? null,
        },
        tx,
      );
      await this.deps.access.record(
        actor,
        'device_credential.issue',
        'device',
        deviceId,
        replaced ? publicDeviceCredential(replaced.before) : undefined,
        { ...publicDeviceCredential(row), ...(note !== undefined ? { note } : {}) },
        tx,
      );
      return { row, replaced };
    });
    if (replaced) this.deps.disconnect(deviceId);
    return { row, secret, topics: deviceTopics(deviceId, kind) };
  }

  /** Revokes the device's usable credential and closes its broker connections. */
  async revoke(deviceId: string, actor: ActorContext): Promise<DeviceCredentialRow> {
    await this.kindOf(deviceId);
    const result = await this.deps.db.transaction(async (tx) => {
      const r = await this.repo.revokeActive(deviceId, tx);
      if (!r) return null;
      await this.deps.access.record(
        actor,
        'device_credential.revoke',
        'device',
        deviceId,
        publicDeviceCredential(r.before),
        publicDeviceCredential(r.after),
        tx,
      );
      return r;
    });
    if (!result)
      throw new AppError('IOC_DEVICE_CREDENTIAL_NOT_FOUND', `device "${deviceId}" has no usable credential`);
    this.deps.disconnect(deviceId);
    return result.after;
  }
}
