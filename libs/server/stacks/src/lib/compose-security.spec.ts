import { describe, expect, it } from 'vitest';
import { composeSecurityViolation, parseComposeFile, type ComposeSecurityToggles } from './compose-security';

const ALL: ComposeSecurityToggles = {
  allowBindMountsForRegularUsers: true,
  allowPrivilegedModeForRegularUsers: true,
  allowHostNamespaceForRegularUsers: true,
  allowDeviceMappingForRegularUsers: true,
  allowContainerCapabilitiesForRegularUsers: true,
  allowSysctlSettingForRegularUsers: true,
};
const none: ComposeSecurityToggles = Object.fromEntries(Object.keys(ALL).map((k) => [k, false])) as never;

function file(service: string): Record<string, unknown> {
  const parsed = parseComposeFile(`services:\n  web:\n    image: nginx\n${service}`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.file;
}

describe('compose security check (non-administrators)', () => {
  it.each([
    ['    volumes:\n      - /etc:/x\n', 'bind mounts'],
    ['    volumes:\n      - ./data:/x\n', 'bind mounts'],
    ['    volumes:\n      - type: bind\n        source: /srv\n        target: /x\n', 'bind mounts'],
    ['    privileged: true\n', 'privileged mode'],
    ['    pid: host\n', 'host namespaces'],
    ['    network_mode: host\n', 'host namespaces'],
    ['    devices:\n      - /dev/sda:/dev/sda\n', 'device mapping'],
    ['    cap_add: [NET_ADMIN]\n', 'capabilities'],
    ['    sysctls:\n      net.core.somaxconn: 1024\n', 'sysctl settings'],
  ])('refuses %j when the toggle is off and allows it when on', (service, what) => {
    expect(composeSecurityViolation(file(service), none)).toEqual({ what, service: 'web' });
    expect(composeSecurityViolation(file(service), ALL)).toBeUndefined();
  });

  it('allows named volumes and plain services with every toggle off', () => {
    expect(composeSecurityViolation(file('    volumes:\n      - data:/x\n'), none)).toBeUndefined();
    expect(composeSecurityViolation(file(''), none)).toBeUndefined();
  });

  it('parses only a mapping with services, and says why not', () => {
    expect(parseComposeFile('services: [unclosed')).toMatchObject({ ok: false });
    expect(parseComposeFile('- a\n- b\n')).toMatchObject({ ok: false });
    expect(parseComposeFile('version: "3"\n')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/services/),
    });
    expect(parseComposeFile('services:\n  a: {image: x}\n  a: {image: y}\n')).toMatchObject({ ok: false });
  });
});
