/** Networks through the Docker proxy: shapes, create payload, system networks. */
import { pairsToMap } from './resources-format';
import type { KeyValue, PortainerDecoration } from './resources-volumes';

export interface DockerIpamConfig {
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
}

/** `GET /networks` item / `GET /networks/{id}`. */
export interface DockerNetwork extends PortainerDecoration {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Created?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: DockerIpamConfig[] | null; Options?: Record<string, string> | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<
    string,
    { Name: string; EndpointID?: string; MacAddress?: string; IPv4Address?: string; IPv6Address?: string }
  > | null;
}

/** The engine's predefined networks: they cannot be removed. */
export const SYSTEM_NETWORKS: readonly string[] = ['bridge', 'host', 'none', 'podman'];

export function isSystemNetwork(network: Pick<DockerNetwork, 'Name'>): boolean {
  return SYSTEM_NETWORKS.includes(network.Name);
}

export interface NetworkForm {
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  ipRange: string;
  internal: boolean;
  attachable: boolean;
  labels: readonly KeyValue[];
}

export interface NetworkCreateBody {
  Name: string;
  Driver: string;
  CheckDuplicate: true;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
  IPAM: { Driver: 'default'; Config: DockerIpamConfig[]; Options: Record<string, string> };
}

/** `POST /networks/create` body; an IPAM config entry only when a subnet is given. */
export function networkCreateBody(form: NetworkForm): NetworkCreateBody {
  const subnet = form.subnet.trim();
  const config: DockerIpamConfig = {};
  if (subnet) {
    config.Subnet = subnet;
    if (form.gateway.trim()) config.Gateway = form.gateway.trim();
    if (form.ipRange.trim()) config.IPRange = form.ipRange.trim();
  }
  return {
    Name: form.name.trim(),
    Driver: form.driver.trim() || 'bridge',
    CheckDuplicate: true,
    Internal: form.internal,
    Attachable: form.attachable,
    Labels: pairsToMap(form.labels),
    IPAM: { Driver: 'default', Config: subnet ? [config] : [], Options: {} },
  };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value.trim());
}

export function isIpv4Cidr(value: string): boolean {
  const [ip, bits, ...rest] = value.trim().split('/');
  return rest.length === 0 && bits !== undefined && isIpv4(ip) && /^\d+$/.test(bits) && Number(bits) <= 32;
}

/** What is wrong with a network form, per field (empty when valid). IPv6 subnets are accepted as typed. */
export function networkFormErrors(
  form: NetworkForm,
): Partial<Record<'name' | 'subnet' | 'gateway' | 'ipRange', string>> {
  const errors: Partial<Record<'name' | 'subnet' | 'gateway' | 'ipRange', string>> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
    errors.name = 'Use letters, digits, "_", "." and "-", starting with a letter or digit.';
  else if (SYSTEM_NETWORKS.includes(name)) errors.name = `"${name}" is a predefined network.`;
  const v6 = form.subnet.includes(':');
  if (form.subnet.trim() && !v6 && !isIpv4Cidr(form.subnet))
    errors.subnet = 'Use CIDR notation, e.g. 172.28.0.0/16.';
  if ((form.gateway.trim() || form.ipRange.trim()) && !form.subnet.trim())
    errors.subnet = 'A gateway or IP range needs a subnet.';
  if (form.gateway.trim() && !v6 && !isIpv4(form.gateway)) errors.gateway = 'Use an IPv4 address.';
  if (form.ipRange.trim() && !v6 && !isIpv4Cidr(form.ipRange))
    errors.ipRange = 'Use CIDR notation inside the subnet, e.g. 172.28.5.0/24.';
  return errors;
}
