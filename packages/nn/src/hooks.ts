import type { RemovableHandle } from '@torchlet/autograd';

/** Appends `hook` to `list` and returns a handle whose `remove()` takes it out again (once). */
export function addHook<H>(list: H[], hook: H): RemovableHandle {
  list.push(hook);
  return {
    remove: () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}
