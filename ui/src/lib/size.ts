// An element's size, told once it is laid out. Svelte's `bind:clientWidth` reads the size as
// the element is made, which lays out the whole screen there and then, before the rest of it
// (the list's rows) is in, and again with them: at start that read cost as much as the
// frame itself. A ResizeObserver is told after the browser's own layout instead.
import type { Action } from "svelte/action";

/** `use:clientSize={(width, height) => …}`: called after each layout that changed the size. */
export const clientSize: Action<HTMLElement, (width: number, height: number) => void> = (node, onsize) => {
  let tell = onsize;
  const sized = new ResizeObserver(() => tell?.(node.clientWidth, node.clientHeight));
  sized.observe(node);
  return {
    update(next) {
      tell = next;
    },
    destroy() {
      sized.disconnect();
    },
  };
};
