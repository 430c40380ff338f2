import { describe, expect, it } from 'vitest';

import { blankForm, registryBody, validateRegistry, withType } from './registry-form';

describe('registry form', () => {
  it('asks for what each type needs', () => {
    expect(Object.keys(validateRegistry(blankForm(3), false))).toEqual(['name', 'url']);
    const custom = { ...blankForm(3), name: 'r', url: 'reg:5000', authentication: true };
    expect(validateRegistry(custom, false)).toEqual({
      username: 'Enter the username.',
      password: 'Enter the password.',
    });
    // Editing: the stored password may stay.
    expect(validateRegistry({ ...custom, username: 'u' }, true)).toEqual({});
    const ecr = {
      ...blankForm(7),
      name: 'e',
      url: '1.dkr.ecr.eu-west-1.amazonaws.com',
      username: 'AK',
      password: 's',
    };
    expect(validateRegistry(ecr, false)).toEqual({ ecrRegion: 'Enter an AWS region, e.g. eu-west-1.' });
    expect(validateRegistry({ ...ecr, ecrRegion: 'eu-west-1' }, false)).toEqual({});
    const proget = { ...blankForm(5), name: 'p', url: 'p.example', username: 'u', password: 'p' };
    expect(validateRegistry(proget, false)).toEqual({ baseUrl: 'Enter the ProGet base URL.' });
    const quay = { ...blankForm(1), name: 'q', username: 'u', password: 'p', useOrganisation: true };
    expect(validateRegistry(quay, false)).toEqual({ organisation: 'Enter the organisation name.' });
    expect(validateRegistry({ ...blankForm(3), name: 'x', url: 'host/../etc' }, false).url).toBeTruthy();
    // Docker Hub's address is fixed.
    expect(validateRegistry({ ...blankForm(6), name: 'h', username: 'me', password: 't' }, false)).toEqual(
      {},
    );
  });

  it("sends only the type's fields, with Portainer's names", () => {
    const ecr = registryBody({
      ...blankForm(7),
      name: ' e ',
      url: 'a.dkr.ecr.eu-west-1.amazonaws.com',
      username: 'AKIA',
      password: 'secret',
      ecrRegion: 'eu-west-1',
    });
    expect(ecr).toEqual({
      Name: 'e',
      Type: 7,
      URL: 'a.dkr.ecr.eu-west-1.amazonaws.com',
      Authentication: true,
      Username: 'AKIA',
      Password: 'secret',
      Ecr: { Region: 'eu-west-1' },
    });
    const anonymous = registryBody({
      ...blankForm(3),
      name: 'n',
      url: 'r:5000',
      username: 'left',
      password: 'over',
    });
    expect(anonymous).toEqual({ Name: 'n', Type: 3, URL: 'r:5000', Authentication: false, Username: '' });
    expect(registryBody({ ...blankForm(6), name: 'h', url: 'typed', username: 'me', password: '' }).URL).toBe(
      'docker.io',
    );
    expect(
      registryBody({ ...blankForm(1), name: 'q', username: 'u', useOrganisation: true, organisation: 'o' })
        .Quay,
    ).toEqual({
      UseOrganisation: true,
      OrganisationName: 'o',
    });
  });

  it("switching type keeps what was typed but not the old type's default address", () => {
    const typed = withType({ ...blankForm(3), name: 'n', url: 'mine:5000', username: 'u' }, 2);
    expect(typed).toMatchObject({
      type: 2,
      name: 'n',
      url: 'mine:5000',
      username: 'u',
      authentication: true,
    });
    expect(withType(blankForm(1), 8).url).toBe('ghcr.io');
    expect(withType({ ...blankForm(3), url: 'mine' }, 6).url).toBe('docker.io');
  });
});
