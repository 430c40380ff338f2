import { describe, expect, it } from 'vitest';
import { edgeDeviceStates, type EdgeStack } from './edge-compute-api';

const stack = (status: EdgeStack['Status']): EdgeStack =>
  ({ Id: 1, Name: 's', Version: 2, Status: status, Drift: [] }) as unknown as EdgeStack;

describe('edgeDeviceStates', () => {
  it('takes each device its last report, Pending when it has none, in environment order', () => {
    const states = edgeDeviceStates(
      stack({
        '9': {
          EndpointID: 9,
          Status: [
            { Type: 8, Error: '', Time: 10 },
            { Type: 2, Error: 'pull access denied', Time: 11 },
          ],
          DeploymentInfo: { Version: 2, FileVersion: 2, ConfigHash: '' },
          ReadyRePullImage: false,
        },
        '3': {
          EndpointID: 3,
          Status: [{ Type: 0, Error: '', Time: 5 }],
          DeploymentInfo: { Version: 0, FileVersion: 0, ConfigHash: '' },
          ReadyRePullImage: false,
        },
      }),
    );
    expect(states.map((s) => [s.environmentId, s.label, s.error, s.version])).toEqual([
      [3, 'Pending', '', 0],
      [9, 'Error', 'pull access denied', 2],
    ]);
  });
});
