// The web UI's build: one bundle per page group (the story's graph and the coverage matrix load
// on demand), everything local, no CDN. `npm run build:ui` writes ui/dist, which `vigil serve`
// serves at `/`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npx vite ui` during development, against a `vigil serve` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
