import { AgentMember } from '@capstan/contracts-agent';

/**
 * The live member table of an agent cluster. Pure: the clock is passed in, nothing here does IO.
 *
 * A member is one agent, identified by the address it was reached at (IP and port). What it is (Docker node
 * name, role, leader, Edge key) comes from the member itself, on the identity headers of its public /ping.
 */
export type NodeRole = 'manager' | 'worker';

export interface MemberIdentity {
  /** Docker node name (engine Info.Name): the X-PortainerAgent-Target value that reaches this member. */
  nodeName: string;
  role: NodeRole;
  leader: boolean;
  edgeKeySet: boolean;
}

export interface Member extends MemberIdentity {
  address: string;
  port: number;
  /** Last successful probe (ms since epoch). */
  lastSeen: number;
}

/** The /agents response item (Portainer agent protocol §1.3). Port is a string on the wire. */
export type AgentListItem = AgentMember;

export class MemberTable {
  private readonly byAddress = new Map<string, Member>();
  /** Node names of dropped members → when they were dropped; reported as unreachable until forgotten. */
  private readonly lostNodes = new Map<string, number>();

  /**
   * @param expireAfterMs a member that has not answered for this long is dropped from the table.
   * @param forgetAfterMs a dropped node is still named as lost for this long (unless it comes back), so that
   *   fanned-out answers keep saying which node is missing.
   */
  constructor(
    private readonly expireAfterMs: number,
    private readonly forgetAfterMs = 10 * 60_000,
  ) {}

  /** Records a successful probe of address:port. */
  seen(address: string, port: number, identity: MemberIdentity, now: number): void {
    this.byAddress.set(key(address, port), { ...identity, address, port, lastSeen: now });
    this.lostNodes.delete(identity.nodeName);
  }

  /** Drops members not seen within the expiry window; returns the dropped ones. */
  expire(now: number): Member[] {
    const dropped: Member[] = [];
    for (const [k, m] of this.byAddress) {
      if (now - m.lastSeen > this.expireAfterMs) {
        this.byAddress.delete(k);
        dropped.push(m);
      }
    }
    const live = new Set(this.list().map((m) => m.nodeName));
    for (const m of dropped) if (!live.has(m.nodeName)) this.lostNodes.set(m.nodeName, now);
    for (const [name, since] of this.lostNodes)
      if (now - since > this.forgetAfterMs) this.lostNodes.delete(name);
    return dropped;
  }

  /** Node names that were members and stopped answering (sorted). */
  lost(): string[] {
    return [...this.lostNodes.keys()].sort(compareStrings);
  }

  /**
   * Members ordered by node name, then address. When two addresses claim the same node name (a task being
   * replaced on its node: the old one has not expired yet), only the most recently seen one is kept, so a node
   * appears once.
   */
  list(): Member[] {
    const byNode = new Map<string, Member>();
    for (const m of this.byAddress.values()) {
      const other = byNode.get(m.nodeName);
      if (!other || m.lastSeen > other.lastSeen) byNode.set(m.nodeName, m);
    }
    return [...byNode.values()].sort(compareMembers);
  }

  byNodeName(nodeName: string): Member | undefined {
    return this.list().find((m) => m.nodeName === nodeName);
  }

  /**
   * The first manager, the leader preferred (it answers manager operations without a raft forward); managers for
   * which `unusable` says true (e.g. one that just failed a liveness check) only when there is no other.
   */
  manager(unusable: (m: Member) => boolean = () => false): Member | undefined {
    const managers = this.list().filter((m) => m.role === 'manager');
    const usable = managers.filter((m) => !unusable(m));
    const pick = (list: Member[]): Member | undefined => list.find((m) => m.leader) ?? list[0];
    return pick(usable) ?? pick(managers);
  }
}

/**
 * The member list with this agent in it. An agent normally finds itself like any peer (its own address answers
 * its probe), but a node's Swarm DNS can miss the node's new task for a while after a restart; the agent then
 * lists itself from what it knows (its identity, its container's address). Sorted like `MemberTable.list()`.
 */
export function withSelf(members: Member[], self: Member): Member[] {
  if (members.some((m) => m.nodeName === self.nodeName)) return members;
  return [...members, self].sort(compareMembers);
}

export function toAgentListItem(m: Member): AgentListItem {
  return {
    IPAddress: m.address,
    Port: String(m.port),
    NodeName: m.nodeName,
    NodeRole: m.role,
    EdgeKeySet: m.edgeKeySet,
  };
}

function compareMembers(a: Member, b: Member): number {
  return compareStrings(a.nodeName, b.nodeName) || compareStrings(a.address, b.address) || a.port - b.port;
}

/** Locale-independent, so the order is the same on every agent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function key(address: string, port: number): string {
  return `${address}|${port}`;
}
