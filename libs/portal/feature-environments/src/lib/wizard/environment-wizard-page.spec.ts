import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { EnvironmentType } from '@capstan/contracts-api';
import {
  API_FETCH,
  FakeApi,
  environmentFactory,
  multipartFetch,
  provideFakeApi,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentWizardPage } from './environment-wizard-page';

@Component({ selector: 'cap-test-blank', template: '' })
class Blank {}

const flush = () => new Promise((r) => setTimeout(r));

describe('EnvironmentWizardPage', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/endpoint_groups', {
        body: [
          {
            Id: 1,
            Name: 'Unassigned',
            Description: '',
            TagIds: [],
            UserAccessPolicies: {},
            TeamAccessPolicies: {},
          },
          {
            Id: 2,
            Name: 'Production',
            Description: '',
            TagIds: [],
            UserAccessPolicies: {},
            TeamAccessPolicies: {},
          },
        ],
      })
      .on('GET /api/tags', { body: [{ ID: 4, Name: 'eu', Endpoints: {}, EndpointGroups: {} }] });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        { provide: API_FETCH, useValue: multipartFetch(api) },
        provideRouter([{ path: 'environments', component: Blank }]),
      ],
    });
  });

  async function setup() {
    const fixture = TestBed.createComponent(EnvironmentWizardPage);
    document.body.append(fixture.nativeElement as HTMLElement);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        fixture.detectChanges();
        await fixture.whenStable();
        await flush();
      }
    };
    await settle();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const type = async (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await settle();
    };
    const check = async (id: string, on = true) => {
      const input = byId<HTMLInputElement>(id)!;
      input.checked = on;
      input.dispatchEvent(new Event('change'));
      await settle();
    };
    const attach = async (id: string, name: string, text: string) => {
      const input = byId<HTMLInputElement>(id)!;
      const file = new File([text], name, { type: 'application/x-pem-file' });
      Object.defineProperty(input, 'files', { value: { item: () => file, length: 1 }, configurable: true });
      input.dispatchEvent(new Event('change'));
      await settle();
    };
    const choose = async (kind: string) => {
      await check(`wizard-type-${kind}`);
      byId<HTMLButtonElement>('wizard-next')!.click();
      await settle();
    };
    return { fixture, el, byId, settle, type, check, attach, choose };
  }

  it('pre-fills the socket of the chosen engine and shows no TLS settings for sockets', async () => {
    const { byId, choose, settle } = await setup();
    await choose('podman-socket');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('unix:///run/podman/podman.sock');
    expect(byId('wizard-tls')).toBeNull();
    byId<HTMLButtonElement>('wizard-back')!.click();
    await settle();
    await choose('docker-socket');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('unix:///var/run/docker.sock');
    expect(byId('wizard-tls')).toBeNull();
  });

  it('keeps a typed socket path across socket kinds but not a tcp:// URL', async () => {
    const { byId, choose, type, settle } = await setup();
    await choose('docker-socket');
    await type('wizard-url', 'unix:///srv/docker.sock');
    byId<HTMLButtonElement>('wizard-back')!.click();
    await settle();
    await choose('podman-socket');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('unix:///srv/docker.sock');
    byId<HTMLButtonElement>('wizard-back')!.click();
    await settle();
    await choose('docker-api');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('tcp://');
    await type('wizard-url', 'tcp://127.0.0.1:1');
    byId<HTMLButtonElement>('wizard-back')!.click();
    await settle();
    await choose('podman-socket');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('unix:///run/podman/podman.sock');
  });

  it("adds an agent with Portainer's creation type 2 and no TLS settings", async () => {
    api.on('POST /api/endpoints', {
      body: environmentFactory({ Id: 7, Name: 'swarm', Type: EnvironmentType.Agent }),
    });
    const { byId, choose, type, settle } = await setup();
    await choose('agent');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('tcp://');
    expect(byId('wizard-tls')).toBeNull();
    await type('wizard-name', 'swarm');
    await type('wizard-url', 'tcp://10.0.0.5');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();
    // A port is required: the agent's is 9001.
    expect(api.last('POST /api/endpoints')).toBeUndefined();
    expect(document.body.textContent).toContain('9001');
    await type('wizard-url', 'tcp://10.0.0.5:9001');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();
    expect(api.last('POST /api/endpoints')?.body).toMatchObject({
      Name: 'swarm',
      EndpointCreationType: '2',
      ContainerEngine: 'docker',
      URL: 'tcp://10.0.0.5:9001',
    });
    expect(api.last('POST /api/endpoints')?.body).not.toHaveProperty('TLS');
  });

  it('shows the TLS file fields only once TLS is on, and sends them as files of the multipart form', async () => {
    api.on('POST /api/endpoints', { body: environmentFactory({ Id: 9, Name: 'edge' }) });
    const { byId, choose, type, check, attach, settle } = await setup();
    await choose('docker-api');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('tcp://');
    expect(byId('wizard-tls')).not.toBeNull();
    expect(byId('wizard-tls-ca')).toBeNull();
    expect(byId('wizard-tls-skip')).toBeNull();

    await check('wizard-tls');
    expect(byId('wizard-tls-ca')).not.toBeNull();
    expect(byId('wizard-tls-cert')).not.toBeNull();
    expect(byId('wizard-tls-key')).not.toBeNull();

    await type('wizard-name', 'edge');
    await type('wizard-url', 'tcp://10.0.0.5:2376');
    await attach('wizard-tls-ca', 'ca.pem', 'CA PEM');
    await attach('wizard-tls-cert', 'cert.pem', 'CERT PEM');
    await attach('wizard-tls-key', 'key.pem', 'KEY PEM');
    await check('wizard-tls-skip');
    const group = byId<HTMLSelectElement>('wizard-group')!;
    group.value = '2';
    group.dispatchEvent(new Event('change'));
    await check('tag-option-eu');
    await type('wizard-public-url', '10.0.0.5');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();

    // The files travel as file parts (their names are jsdom's business; the content is what counts).
    expect(api.last('POST /api/endpoints')?.body).toEqual({
      Name: 'edge',
      EndpointCreationType: '1',
      ContainerEngine: 'docker',
      URL: 'tcp://10.0.0.5:2376',
      GroupID: '2',
      TagIds: '[4]',
      PublicURL: '10.0.0.5',
      TLS: 'true',
      TLSSkipVerify: 'true',
      TLSCACertFile: expect.objectContaining({ text: 'CA PEM' }),
      TLSCertFile: expect.objectContaining({ text: 'CERT PEM' }),
      TLSKeyFile: expect.objectContaining({ text: 'KEY PEM' }),
    });
    expect(TestBed.inject(Router).url).toBe('/environments');
  });

  it('does not send TLS settings when TLS was switched off again', async () => {
    api.on('POST /api/endpoints', { body: environmentFactory({ Id: 9, Name: 'plain' }) });
    const { byId, choose, type, check, settle } = await setup();
    await choose('docker-api');
    await check('wizard-tls');
    await check('wizard-tls', false);
    await type('wizard-name', 'plain');
    await type('wizard-url', 'tcp://10.0.0.6:2375');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();
    const body = api.last('POST /api/endpoints')?.body as Record<string, unknown>;
    expect(body['URL']).toBe('tcp://10.0.0.6:2375');
    expect(body['TLS']).toBeUndefined();
  });

  it('keeps the form and shows the server reason when the engine cannot be reached', async () => {
    api.on('POST /api/endpoints', {
      status: 422,
      body: { message: 'Unable to reach the engine', details: 'connect ECONNREFUSED 127.0.0.1:1' },
    });
    const { byId, el, choose, type, settle } = await setup();
    await choose('docker-api');
    await type('wizard-name', 'broken');
    await type('wizard-url', 'tcp://127.0.0.1:1');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();
    const alert = el.querySelector('[data-testid="alert-error"]');
    expect(alert?.textContent).toContain('Unable to reach the engine');
    expect(alert?.textContent).toContain('connect ECONNREFUSED 127.0.0.1:1');
    expect(byId<HTMLInputElement>('wizard-name')!.value).toBe('broken');
    expect(byId<HTMLInputElement>('wizard-url')!.value).toBe('tcp://127.0.0.1:1');
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('checks the URL shape before asking the server', async () => {
    const { byId, el, choose, type, settle } = await setup();
    await choose('docker-api');
    await type('wizard-name', 'x');
    await type('wizard-url', 'http://10.0.0.5');
    byId<HTMLButtonElement>('wizard-submit')!.click();
    await settle();
    expect(el.textContent).toContain('Enter tcp://host:port.');
    expect(api.last('POST /api/endpoints')).toBeUndefined();
  });
});
