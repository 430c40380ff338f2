import type { Registry, RegistryCreate } from '@capstan/portal-data-access';

/** Everything the registry form edits, for every type (fields a type does not use are ignored). */
export interface RegistryFormValue {
  type: number;
  name: string;
  url: string;
  baseUrl: string;
  authentication: boolean;
  username: string;
  /** Empty while editing: the stored password is kept. */
  password: string;
  useOrganisation: boolean;
  organisation: string;
  ecrRegion: string;
  gitlabInstance: string;
}

export type RegistryFormErrors = Partial<Record<keyof RegistryFormValue, string>>;

/** Per type: the address pre-filled, whether the address can be changed, and what the fields are called. */
export const TYPE_SETTINGS: Record<
  number,
  {
    url: string;
    fixedUrl: boolean;
    alwaysAuth: boolean;
    usernameLabel: string;
    passwordLabel: string;
    organisation: boolean;
    hint: string;
  }
> = {
  1: {
    url: 'quay.io',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Username',
    passwordLabel: 'Password',
    organisation: true,
    hint: 'Quay.io or a Quay instance; an organisation narrows the repositories.',
  },
  2: {
    url: '',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Username',
    passwordLabel: 'Password',
    organisation: false,
    hint: 'The registry address, e.g. myregistry.azurecr.io.',
  },
  3: {
    url: '',
    fixedUrl: false,
    alwaysAuth: false,
    usernameLabel: 'Username',
    passwordLabel: 'Password',
    organisation: false,
    hint: 'Any Docker registry: host[:port][/path], e.g. registry.example.com:5000.',
  },
  4: {
    url: 'registry.gitlab.com',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Username',
    passwordLabel: 'Personal access token',
    organisation: false,
    hint: 'The GitLab container registry, and the GitLab instance it belongs to.',
  },
  5: {
    url: '',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Username',
    passwordLabel: 'Password',
    organisation: false,
    hint: 'The ProGet registry address and its base URL (the ProGet server).',
  },
  6: {
    url: 'docker.io',
    fixedUrl: true,
    alwaysAuth: true,
    usernameLabel: 'Docker ID',
    passwordLabel: 'Personal access token',
    organisation: false,
    hint: 'Docker Hub with your account: private images and a higher pull limit.',
  },
  7: {
    url: '',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Access key ID',
    passwordLabel: 'Secret access key',
    organisation: false,
    hint: 'The ECR address (<account>.dkr.ecr.<region>.amazonaws.com) and the region; the keys are exchanged for a token.',
  },
  8: {
    url: 'ghcr.io',
    fixedUrl: false,
    alwaysAuth: true,
    usernameLabel: 'Username',
    passwordLabel: 'Personal access token',
    organisation: true,
    hint: 'The GitHub container registry; an organisation narrows the packages.',
  },
};

export function blankForm(type = 3): RegistryFormValue {
  const t = TYPE_SETTINGS[type] ?? TYPE_SETTINGS[3];
  return {
    type,
    name: '',
    url: t.url,
    baseUrl: '',
    authentication: t.alwaysAuth,
    username: '',
    password: '',
    useOrganisation: false,
    organisation: '',
    ecrRegion: '',
    gitlabInstance: type === 4 ? 'https://gitlab.com' : '',
  };
}

/** Switching type: the new type's defaults, keeping what the user typed that still applies. */
export function withType(form: RegistryFormValue, type: number): RegistryFormValue {
  const before = TYPE_SETTINGS[form.type];
  const fresh = blankForm(type);
  const typedUrl = form.url && form.url !== before?.url ? form.url : fresh.url;
  return {
    ...fresh,
    name: form.name,
    url: TYPE_SETTINGS[type]?.fixedUrl ? fresh.url : typedUrl,
    username: form.username,
    password: form.password,
  };
}

export function formOf(r: Registry): RegistryFormValue {
  const org = r.Type === 1 ? r.Quay : r.Type === 8 ? r.Github : undefined;
  return {
    type: r.Type,
    name: r.Name,
    url: r.URL,
    baseUrl: r.BaseURL,
    authentication: r.Authentication,
    username: r.Username,
    password: '',
    useOrganisation: org?.UseOrganisation ?? false,
    organisation: org?.OrganisationName ?? '',
    ecrRegion: r.Ecr?.Region ?? '',
    gitlabInstance: r.Gitlab?.InstanceURL ?? '',
  };
}

const HOST = /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._\/-]*)?$/;

/** What the server would refuse, said before sending. `editing`: a stored password may stay. */
export function validateRegistry(f: RegistryFormValue, editing: boolean): RegistryFormErrors {
  const t = TYPE_SETTINGS[f.type];
  const errors: RegistryFormErrors = {};
  if (!t) errors.type = 'Choose a registry type.';
  if (!f.name.trim()) errors.name = 'Enter a name.';
  if (!t?.fixedUrl) {
    if (!f.url.trim()) errors.url = 'Enter the registry address.';
    else if (!HOST.test(f.url.trim()) || f.url.includes('..')) errors.url = 'Use host[:port][/path].';
  }
  const auth = t?.alwaysAuth || f.authentication;
  if (auth && !f.username.trim())
    errors.username = `Enter the ${t?.usernameLabel.toLowerCase() ?? 'username'}.`;
  if (auth && !editing && !f.password)
    errors.password = `Enter the ${t?.passwordLabel.toLowerCase() ?? 'password'}.`;
  if (f.type === 5 && !f.baseUrl.trim()) errors.baseUrl = 'Enter the ProGet base URL.';
  if (f.type === 7 && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(f.ecrRegion.trim()))
    errors.ecrRegion = 'Enter an AWS region, e.g. eu-west-1.';
  if (t?.organisation && f.useOrganisation && !f.organisation.trim())
    errors.organisation = 'Enter the organisation name.';
  if (f.type === 4 && !/^https?:\/\/\S+$/.test(f.gitlabInstance.trim()))
    errors.gitlabInstance = 'Enter the GitLab address, e.g. https://gitlab.com.';
  return errors;
}

/** The API body (Portainer's field names) for the type's fields only. */
export function registryBody(f: RegistryFormValue): RegistryCreate {
  const t = TYPE_SETTINGS[f.type] ?? TYPE_SETTINGS[3];
  const auth = t.alwaysAuth || f.authentication;
  const body: RegistryCreate = {
    Name: f.name.trim(),
    Type: f.type,
    URL: t.fixedUrl ? t.url : f.url.trim(),
    Authentication: auth,
    Username: auth ? f.username.trim() : '',
  };
  if (auth && f.password) body.Password = f.password;
  if (f.type === 5) body.BaseURL = f.baseUrl.trim();
  if (f.type === 7) body.Ecr = { Region: f.ecrRegion.trim() };
  if (f.type === 1)
    body.Quay = { UseOrganisation: f.useOrganisation, OrganisationName: f.organisation.trim() };
  if (f.type === 8)
    body.Github = { UseOrganisation: f.useOrganisation, OrganisationName: f.organisation.trim() };
  if (f.type === 4) body.Gitlab = { ProjectId: 0, InstanceURL: f.gitlabInstance.trim(), ProjectPath: '' };
  return body;
}
