/**
 * The live table of hypervisor nodes that node-discovery keeps: one row per
 * announced instance of `_hypervisor._tcp`, with its addresses, hardware
 * identity and hypervisor from TXT (the announcer's keys), the VMs it hosts
 * (instances of `_hypervisor-vm._tcp` whose TXT `host` is the node's host
 * label), when it was first and last seen, and whether it is gone. Pure:
 * the browsers' events go in, rows and change events come out.
 */
import type { ServiceInstance } from 'boaster';

/** A VM a node hosts, from its `_hypervisor-vm._tcp` TXT. */
export interface VmRow {
  readonly uuid: string;
  readonly name: string;
  readonly state: string;
}

/** One node as the table shows it. */
export interface NodeRow {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
  readonly uuid: string | undefined;
  readonly serial: string | undefined;
  readonly vendor: string | undefined;
  readonly model: string | undefined;
  readonly mac: string | undefined;
  readonly hypervisor: string | undefined;
  readonly hypervisorVersion: string | undefined;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly gone: boolean;
  /** The VMs it hosts now, by name. */
  readonly vms: readonly VmRow[];
}

/** A change of the table, as `--json` prints it and the page receives it. */
export interface NodeEvent {
  readonly event: 'up' | 'update' | 'down';
  readonly node: NodeRow;
}

/** A host name as the label VMs name it by: `Node17.local` → `node17`. */
const labelOf = (host: string): string => host.replace(/\.local\.?$/i, '').toLowerCase();

const text = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export class NodeTable {
  private readonly rows = new Map<string, NodeRow>();
  /** VMs by their instance name, with the host label they name. */
  private readonly vmRows = new Map<string, VmRow & { host: string }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Every node, present first, then by name. */
  get nodes(): NodeRow[] {
    return [...this.rows.values()]
      .map((n) => ({ ...n, vms: n.gone ? [] : this.vmsOf(n.host) }))
      .sort((a, b) => Number(a.gone) - Number(b.gone) || a.name.localeCompare(b.name));
  }

  private vmsOf(host: string): VmRow[] {
    const label = labelOf(host);
    return [...this.vmRows.values()]
      .filter((v) => v.host.toLowerCase() === label)
      .map(({ uuid, name, state }) => ({ uuid, name, state }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A VM browser event: the node it belongs to, updated, when that node is known. */
  applyVm(kind: 'up' | 'update' | 'down', s: ServiceInstance): NodeEvent | undefined {
    const host = text(s.txt['host']) ?? '';
    if (kind === 'down') this.vmRows.delete(s.fqdn);
    else
      this.vmRows.set(s.fqdn, {
        uuid: text(s.txt['uuid']) ?? '',
        name: text(s.txt['name']) ?? s.name,
        state: text(s.txt['state']) ?? 'unknown',
        host,
      });
    const node = this.nodes.find((n) => !n.gone && labelOf(n.host) === host.toLowerCase());
    return node ? { event: 'update', node } : undefined;
  }

  /** A browser event: the row it makes, as an event to pass on. */
  apply(kind: 'up' | 'update' | 'down', s: ServiceInstance): NodeEvent {
    const at = this.now().toISOString();
    const before = this.rows.get(s.fqdn);
    const row: NodeRow = {
      name: s.name,
      host: s.host,
      port: s.port,
      addresses: s.addresses.map((a) => a.address),
      uuid: text(s.txt['uuid']),
      serial: text(s.txt['serial']),
      vendor: text(s.txt['vendor']),
      model: text(s.txt['model']),
      mac: text(s.txt['mac']),
      hypervisor: text(s.txt['hv']),
      hypervisorVersion: text(s.txt['hvver']),
      firstSeen: before && !before.gone ? before.firstSeen : at,
      lastSeen: at,
      gone: kind === 'down',
      vms: [],
    };
    this.rows.set(s.fqdn, row);
    return { event: kind, node: { ...row, vms: row.gone ? [] : this.vmsOf(row.host) } };
  }

  /** The table as text for a terminal. */
  render(): string {
    const head = ['NODE', 'ADDRESSES', 'HYPERVISOR', 'MODEL', 'UUID', 'VMS', 'STATE'];
    const lines = this.nodes.map((n) => [
      n.name,
      n.addresses.join(' '),
      [n.hypervisor, n.hypervisorVersion].filter(Boolean).join(' ') || '-',
      [n.vendor, n.model].filter(Boolean).join(' ') || '-',
      n.uuid ?? '-',
      String(n.vms.length),
      n.gone ? `gone ${n.lastSeen}` : `up since ${n.firstSeen}`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
    return [head, ...lines]
      .map((l) =>
        l
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  }
}
