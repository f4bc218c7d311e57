/**
 * A HostView made of fixtures for the announcer's detector tests: files,
 * command outputs, modification times; a directory lists what `dirs` says
 * for it, else the files and directories below it. Anything else is
 * missing, as an unreadable file or a failing command is.
 */
import type { HostView } from '../../../examples/hypervisor-announcer/src/host-view.js';

export interface FakeHostFixtures {
  readonly files?: Readonly<Record<string, string>>;
  /** Output by command line (`ip -j addr show`). */
  readonly commands?: Readonly<Record<string, string>>;
  readonly dirs?: Readonly<Record<string, readonly string[]>>;
  readonly mtimes?: Readonly<Record<string, number>>;
  readonly now?: number;
}

export function fakeHost({ files = {}, commands = {}, dirs = {}, mtimes = {}, now = 0 }: FakeHostFixtures): HostView {
  const below = new Map<string, string[]>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 2; i <= parts.length - 1; i++) {
      const parent = parts.slice(0, i).join('/');
      const child = parts[i] as string;
      const list = below.get(parent) ?? [];
      if (!list.includes(child)) below.set(parent, [...list, child]);
    }
  }
  return {
    run: async (command, args) => commands[[command, ...args].join(' ')],
    read: async (path) => files[path],
    list: async (path) => [...(dirs[path] ?? below.get(path) ?? [])],
    modified: async (path) => mtimes[path],
    now: () => now,
  };
}
