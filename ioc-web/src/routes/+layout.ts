// The app is a static SPA served by Fastify with an index.html fallback: render in the browser only.
// Kept in the root layout: with Kit 2.70, ssr=false on a single page turns unknown paths' 404s into 500s.
export const ssr = false;
export const prerender = false;
