import { describe, expect, it } from 'vitest';
import { describeActivity, type ActivityRequest } from './describe-activity';

const ID = 'a'.repeat(64);
function req(method: string, url: string, body?: unknown, target?: string): ActivityRequest {
  const [path, search] = url.split('?');
  return { method, path: path ?? '', query: new URLSearchParams(search ?? ''), body, target };
}

describe('describeActivity', () => {
  it('says what a Docker call through the proxy did, ids shortened, names kept', () => {
    expect(describeActivity(req('POST', `/api/endpoints/3/docker/containers/${ID}/stop`))).toBe(
      'stopped container aaaaaaaaaaaa',
    );
    expect(describeActivity(req('POST', '/api/endpoints/3/docker/containers/web/unpause'))).toBe(
      'resumed container web',
    );
    expect(describeActivity(req('POST', '/api/endpoints/3/docker/containers/create?name=web'))).toBe(
      'created container web',
    );
    expect(describeActivity(req('DELETE', '/api/endpoints/3/docker/containers/web'))).toBe(
      'removed container web',
    );
    expect(
      describeActivity(req('POST', '/api/endpoints/3/docker/images/create?fromImage=nginx&tag=1.27')),
    ).toBe('pulled image nginx:1.27');
    expect(describeActivity(req('POST', '/api/endpoints/3/docker/volumes/create', { Name: 'data' }))).toBe(
      'created volume data',
    );
    expect(
      describeActivity(req('POST', '/api/endpoints/3/docker/networks/front/connect', { container: ID })),
    ).toBe('connected container aaaaaaaaaaaa to network front');
    expect(describeActivity(req('DELETE', '/api/endpoints/3/docker/images/sha256%3A' + 'b'.repeat(64)))).toBe(
      'removed image bbbbbbbbbbbb',
    );
  });

  it('says what happened to edge jobs and their logs', () => {
    expect(describeActivity(req('POST', '/api/edge_jobs/create/string', { name: 'nightly' }))).toBe(
      'created edge job nightly',
    );
    expect(describeActivity(req('POST', '/api/edge_jobs?method=file', { Name: 'df' }))).toBe(
      'created edge job df',
    );
    expect(describeActivity(req('PUT', '/api/edge_jobs/3'))).toBe('updated edge job 3');
    expect(describeActivity(req('DELETE', '/api/edge_jobs/3'))).toBe('removed edge job 3');
    expect(describeActivity(req('POST', '/api/edge_jobs/3/tasks/7/logs'))).toBe(
      'asked for the log of edge job 3 on environment 7',
    );
    expect(describeActivity(req('DELETE', '/api/edge_jobs/3/tasks/7/logs'))).toBe(
      'cleared the log of edge job 3 on environment 7',
    );
    expect(describeActivity(req('POST', '/api/endpoints/7/edge/jobs/3/logs'))).toBe(
      'edge agent of environment 7 sent the log of edge job 3',
    );
  });

  it('names custom templates by their title', () => {
    expect(
      describeActivity(
        req('POST', '/api/custom_templates/create/string', { title: 'web' }, 'custom template web'),
      ),
    ).toBe('created custom template web');
    expect(describeActivity(req('POST', '/api/custom_templates/create/file', undefined))).toBe(
      'created custom template',
    );
    expect(describeActivity(req('DELETE', '/api/custom_templates/4', undefined, 'custom template web'))).toBe(
      'deleted custom template web',
    );
    expect(describeActivity(req('PUT', '/api/custom_templates/4'))).toBe('updated custom template 4');
  });

  it("says what a call on Capstan's own API did, body keys in either case", () => {
    expect(describeActivity(req('POST', '/api/users', { username: 'alice', password: 'x' }))).toBe(
      'created user alice',
    );
    expect(describeActivity(req('POST', '/api/teams', { Name: 'ops' }))).toBe('created team ops');
    expect(describeActivity(req('PUT', '/api/settings', {}))).toBe('changed settings');
    expect(describeActivity(req('POST', '/api/endpoints/7/snapshot'))).toBe(
      'refreshed the snapshot of environment 7',
    );
    expect(describeActivity(req('PUT', '/api/users/4/passwd', {}))).toBe('changed the password of user 4');
  });

  it('says what happened to git stacks and git templates', () => {
    expect(describeActivity(req('POST', '/api/stacks/4/git', {}))).toBe(
      'changed the git settings of stack 4',
    );
    expect(describeActivity(req('PUT', '/api/stacks/4/git/redeploy', {}))).toBe(
      'pulled and redeployed stack 4',
    );
    expect(describeActivity(req('POST', '/api/stacks/4/drift/reapply'))).toBe(
      'reapplied the file of stack 4',
    );
    expect(describeActivity(req('POST', '/api/stacks/webhooks/[REDACTED]'))).toBe(
      'triggered a stack webhook',
    );
    expect(describeActivity(req('POST', '/api/stacks/git/check'))).toBe('ran a git auto-update pass');
    expect(describeActivity(req('POST', '/api/custom_templates/create/repository', { Title: 'web' }))).toBe(
      'created custom template web',
    );
    expect(
      describeActivity(req('PUT', '/api/custom_templates/3/git_fetch', undefined, 'custom template web')),
    ).toBe('fetched custom template web from git');
  });

  it('says which console a WebSocket opened, from its validated query', () => {
    expect(describeActivity(req('GET', '/api/websocket/exec', { id: ID, endpointId: 3 }))).toBe(
      'opened a console on exec aaaaaaaaaaaa',
    );
    expect(describeActivity(req('GET', '/api/websocket/attach', { id: 'web', endpointId: 3 }))).toBe(
      'attached to container web',
    );
  });

  it('names the resource of an ownership change from the target the handler set', () => {
    expect(describeActivity(req('PUT', '/api/resource_controls/6', {}, 'container web'))).toBe(
      'changed ownership of container web',
    );
    expect(describeActivity(req('PUT', '/api/resource_controls/6', {}))).toBe(
      'changed ownership of resource control 6',
    );
  });

  it('never repeats a webhook token, and describes nothing it does not know', () => {
    const text = describeActivity(req('POST', '/api/webhooks/3f1c0d9e-secret-token'));
    expect(text).toBe('triggered a service webhook');
    expect(describeActivity(req('POST', '/api/something/new'))).toBe('');
    expect(describeActivity(req('GET', '/api/users'))).toBe('');
  });
});
