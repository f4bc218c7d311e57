/**
 * The VMs this host runs, from an inventory: a JSON file (a list of
 * `{ uuid, name, state }`, or `{ "vms": [...] }`), a directory of such files
 * (each one VM or a list), or libvirt's `virsh list --all`. Read again
 * whenever the file or directory changes (fs.watch) and every `pollMs` in
 * any case (a watch can miss an atomic rename), so a change is published
 * within about a second. Pure parsers plus one small watcher.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { HostView } from './host-view.js';

/** One VM as the inventory says. */
export interface Vm {
  readonly uuid: string;
  readonly name: string;
  readonly state: string;
}

/** Where the inventory is. */
export interface InventorySource {
  readonly file?: string | undefined;
  readonly dir?: string | undefined;
  readonly virsh?: boolean | undefined;
}

/** An inventory that cannot be read as VMs: said, never thrown at the daemon. */
export interface InventoryRead {
  readonly vms: readonly Vm[];
  readonly problems: readonly string[];
}

function vmsOf(value: unknown, where: string, problems: string[]): Vm[] {
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as { vms?: unknown }).vms)
      ? (value as { vms: unknown[] }).vms
      : [value];
  const out: Vm[] = [];
  for (const [i, item] of list.entries()) {
    const v = item as Partial<Record<string, unknown>>;
    if (typeof v !== 'object' || v === null || typeof v['uuid'] !== 'string' || typeof v['name'] !== 'string') {
      problems.push(`${where}[${i}]: a VM needs "uuid" and "name" strings`);
      continue;
    }
    out.push({
      uuid: v['uuid'].toLowerCase(),
      name: v['name'],
      state: typeof v['state'] === 'string' ? v['state'] : 'unknown',
    });
  }
  return out;
}

/** Parse one inventory file's text. */
export function parseInventory(text: string, where: string): InventoryRead {
  const problems: string[] = [];
  try {
    return { vms: vmsOf(JSON.parse(text), where, problems), problems };
  } catch (error) {
    return {
      vms: [],
      problems: [`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

/** `virsh list --all` (a table: Id, Name, State) and `virsh list --all --uuid` in the same order of domains. */
export function parseVirshList(table: string, uuids: string): Vm[] {
  const rows = table
    .split('\n')
    .map((l) => /^\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  const ids = uuids
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return rows.flatMap((m, i) =>
    ids[i] ? [{ uuid: (ids[i] as string).toLowerCase(), name: m[2] as string, state: m[3] as string }] : [],
  );
}

/** Read the inventory now. */
export async function readInventory(view: HostView, source: InventorySource): Promise<InventoryRead> {
  const vms: Vm[] = [];
  const problems: string[] = [];
  if (source.file) {
    const text = await view.read(source.file);
    if (text === undefined) problems.push(`${source.file} cannot be read`);
    else {
      const r = parseInventory(text, source.file);
      vms.push(...r.vms);
      problems.push(...r.problems);
    }
  }
  if (source.dir) {
    for (const name of (await view.list(source.dir)).filter((n) => n.endsWith('.json')).sort()) {
      const text = await view.read(`${source.dir}/${name}`);
      if (text === undefined) continue;
      const r = parseInventory(text, `${source.dir}/${name}`);
      vms.push(...r.vms);
      problems.push(...r.problems);
    }
  }
  if (source.virsh) {
    const [table, uuids] = await Promise.all([
      view.run('virsh', ['list', '--all']),
      view.run('virsh', ['list', '--all', '--uuid']),
    ]);
    if (table === undefined || uuids === undefined) problems.push('virsh list failed (is libvirt running?)');
    else vms.push(...parseVirshList(table, uuids));
  }
  // One entry per UUID: the last source wins.
  return { vms: [...new Map(vms.map((v) => [v.uuid, v])).values()], problems };
}

/** Call `changed` with the inventory whenever it may have changed (watch + poll); returns the stop function. */
export function watchInventory(source: InventorySource, pollMs: number, changed: () => void): () => void {
  const watchers: FSWatcher[] = [];
  for (const path of [source.file, source.dir]) {
    if (!path) continue;
    try {
      watchers.push(watch(path, { persistent: false }, () => changed()));
    } catch {
      // Not there yet: the poll will see it come.
    }
  }
  const timer = setInterval(changed, pollMs);
  return () => {
    clearInterval(timer);
    for (const w of watchers) w.close();
  };
}
