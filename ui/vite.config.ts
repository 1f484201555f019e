import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

// Production: index.html → dist/ (what Tauri ships).
// `--mode test`: test.html, which installs the in-page fake engine before the app, → dist-test/.
// The fake engine is never part of dist/.
export default defineConfig(({ mode }) => {
  const test = mode === "test";
  return {
    base: "./",
    plugins: [svelte()],
    clearScreen: false,
    server: { port: 1420, strictPort: true },
    build: {
      outDir: test ? "dist-test" : "dist",
      emptyOutDir: true,
      target: "es2022",
      // Tauri's CSP forbids inline scripts and styles: keep every asset a file.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rollupOptions: { input: fileURLToPath(new URL(test ? "./test.html" : "./index.html", import.meta.url)) },
    },
  };
});
