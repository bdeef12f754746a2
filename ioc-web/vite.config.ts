import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// In `vite dev` the API and /live run in ioc-server on :8080; in production Fastify serves the
// built app on the same origin, so the client always talks to its own origin.
const api = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/readyz': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  build: {
    // maplibre-gl and deck.gl are large by nature; the wall is a single long-lived page on a LAN.
    chunkSizeWarningLimit: 2500,
  },
});
