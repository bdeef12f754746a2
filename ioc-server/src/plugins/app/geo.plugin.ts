import fp from 'fastify-plugin';
import { WardIndex } from '@hue-ioc/streams';

declare module 'fastify' {
  interface FastifyInstance {
    /** The 40 phường/xã of 2025 (GEO_DIR): ward lookup by point or address, label points, codes. */
    wards: WardIndex;
  }
}

export default fp(
  async (app) => {
    app.decorate('wards', await WardIndex.load(app.config.geoDir));
  },
  { name: 'geo', dependencies: ['config'] },
);
