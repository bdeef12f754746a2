import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // Fastify serves build/ as static files on the API's port and answers unknown paths with
    // index.html, so every route is rendered in the browser (see src/routes/+layout.ts).
    adapter: adapter({ fallback: 'index.html' }),
    // The briefing page registers it itself (src/lib/briefing/offline.ts): the wall and the consoles need none.
    serviceWorker: { register: false },
    typescript: {
      // Type-check the Node scripts beside the app too.
      config: (tsconfig) => {
        tsconfig.include.push('../scripts/**/*.ts');
      },
    },
  },
};

export default config;
