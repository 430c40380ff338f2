import { EnvironmentType } from '@capstan/contracts-api';

import type { FakeApi } from '../testing/fake-api';
import type { Environment, EnvironmentSnapshot } from './environment.models';

/** A snapshot summary as the API returns it; override what the test cares about. */
export function snapshotFactory(overrides: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  return {
    Time: Math.floor(Date.now() / 1000) - 120,
    DockerVersion: '20.10.24',
    Swarm: false,
    TotalCPU: 4,
    TotalMemory: 8 * 1024 ** 3,
    ContainerCount: 5,
    RunningContainerCount: 3,
    StoppedContainerCount: 2,
    HealthyContainerCount: 1,
    UnhealthyContainerCount: 0,
    VolumeCount: 4,
    ImageCount: 7,
    NetworkCount: 3,
    ServiceCount: 0,
    StackCount: 1,
    NodeCount: 1,
    IsPodman: false,
    UnreachableNodes: [],
    ...overrides,
  };
}

/** An environment as `GET /api/endpoints` returns it; `Snapshots: []` for "no snapshot yet". */
export function environmentFactory(overrides: Partial<Environment> = {}): Environment {
  return {
    Id: 1,
    Name: 'local',
    Type: EnvironmentType.Docker,
    URL: 'unix:///var/run/docker.sock',
    PublicURL: '',
    GroupId: 1,
    TagIds: [],
    ContainerEngine: 'docker',
    Status: 1,
    TLSConfig: { TLS: false, TLSSkipVerify: false },
    UserAccessPolicies: {},
    TeamAccessPolicies: {},
    SecuritySettings: {
      allowBindMountsForRegularUsers: true,
      allowPrivilegedModeForRegularUsers: true,
      allowVolumeBrowserForRegularUsers: false,
      allowHostNamespaceForRegularUsers: true,
      allowDeviceMappingForRegularUsers: true,
      allowStackManagementForRegularUsers: true,
      allowContainerCapabilitiesForRegularUsers: true,
      allowSysctlSettingForRegularUsers: true,
      enableHostManagementFeatures: false,
    },
    Snapshots: [snapshotFactory()],
    CapstanAccess: { RoleId: 1, Permissions: [], VolumeBrowse: 'none' },
    ...overrides,
  };
}

/**
 * A fetch for specs whose requests include multipart forms: the form is read and re-sent to the FakeApi as a
 * JSON object of its fields (files as `{ file: <name>, text: <content> }`), so routes and `last()` see it.
 */
export function multipartFetch(api: FakeApi): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
      return api.fetch(request);
    }
    const form = await request.formData();
    const body: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      body[key] = typeof value === 'string' ? value : { file: value.name, text: await value.text() };
    }
    const headers = new Headers(request.headers);
    headers.set('content-type', 'application/json');
    return api.fetch(
      new Request(request.url, { method: request.method, headers, body: JSON.stringify(body) }),
    );
  };
}
