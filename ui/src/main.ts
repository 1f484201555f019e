import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { askEarly, earlyAnswers } from "./lib/early";
import { platform } from "./lib/platform";

// The status and the first page of history travel while the page builds itself.
askEarly();

// Before anything is laid out: the font stack depends on it (app.css).
document.documentElement.dataset.platform = platform(navigator.userAgent);

// The first screen is built once, with its data, instead of "Starting…" and then the screen
// (two layouts and two frames); an engine slower than this shows "Starting…" meanwhile.
await earlyAnswers(300);

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
export default mount(App, { target });
