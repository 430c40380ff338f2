/** Portainer's ResourceControlType numbers (reference §2.4). */
export enum ResourceControlType {
  Container = 1,
  Service = 2,
  Volume = 3,
  Network = 4,
  Secret = 5,
  Stack = 6,
  Config = 7,
  CustomTemplate = 8,
  ContainerGroup = 9,
}

/** Portainer's older string names for the types, still accepted on input. */
export const RESOURCE_CONTROL_TYPE_NAMES: Readonly<Record<string, ResourceControlType>> = {
  container: ResourceControlType.Container,
  service: ResourceControlType.Service,
  volume: ResourceControlType.Volume,
  network: ResourceControlType.Network,
  secret: ResourceControlType.Secret,
  stack: ResourceControlType.Stack,
  config: ResourceControlType.Config,
  'custom-template': ResourceControlType.CustomTemplate,
  'container-group': ResourceControlType.ContainerGroup,
};

/** The wire shape of a resource control (decorations use it under `Portainer.ResourceControl`). */
export interface ResourceControlBody {
  Id: number;
  ResourceId: string;
  SubResourceIds: string[];
  Type: ResourceControlType;
  UserAccesses: { UserId: number; AccessLevel: number }[];
  TeamAccesses: { TeamId: number; AccessLevel: number }[];
  Public: boolean;
  AdministratorsOnly: boolean;
  System: boolean;
}

/** Labels that give ownership to resources created outside Capstan (compose files, the CLI). */
export const ACCESS_CONTROL_LABELS = {
  public: 'io.portainer.accesscontrol.public',
  users: 'io.portainer.accesscontrol.users',
  teams: 'io.portainer.accesscontrol.teams',
} as const;
