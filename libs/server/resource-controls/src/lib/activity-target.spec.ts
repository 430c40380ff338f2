import { describe, expect, it } from 'vitest';
import { ResourceControlType } from '@capstan/contracts-api';
import { activityTarget } from './resource-controls.service';

describe('activityTarget', () => {
  it('names the resource a control is about, in the words of the activity log', () => {
    expect(activityTarget(ResourceControlType.Container, 'f'.repeat(64))).toBe('container ffffffffffff');
    expect(activityTarget(ResourceControlType.Volume, 'data')).toBe('volume data');
    expect(activityTarget(ResourceControlType.CustomTemplate, '4')).toBe('custom template 4');
  });
});
