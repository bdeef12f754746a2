import fp from 'fastify-plugin';
import { referenceCameraSeeds, referenceDeviceSeeds, seedAgencies } from '@hue-ioc/streams';
import { AgencyRepository } from '../../storage/agency.repository.ts';
import { IncidentRepository } from '../../storage/incident.repository.ts';
import { DeviceRepository } from '../../storage/device.repository.ts';
import { ObservationRepository } from '../../storage/observation.repository.ts';
import { DeadLetterRepository } from '../../storage/dead-letter.repository.ts';

export interface Repositories {
  agencies: AgencyRepository;
  incidents: IncidentRepository;
  devices: DeviceRepository;
  observations: ObservationRepository;
  deadLetters: DeadLetterRepository;
}

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories;
  }
}

/** The storage repositories, and the reference rows (devices, cameras, agencies) seeded idempotently. */
export default fp(
  async (app) => {
    const { db, wards } = app;
    const repos: Repositories = {
      agencies: new AgencyRepository(db),
      incidents: new IncidentRepository(db),
      devices: new DeviceRepository(db),
      observations: new ObservationRepository(db),
      deadLetters: new DeadLetterRepository(db),
    };
    await repos.devices.seed(referenceDeviceSeeds(wards));
    await repos.devices.seedCameras(referenceCameraSeeds(wards));
    await repos.agencies.seed(seedAgencies(wards));
    app.decorate('repos', repos);
  },
  { name: 'repositories', dependencies: ['db', 'geo'] },
);
