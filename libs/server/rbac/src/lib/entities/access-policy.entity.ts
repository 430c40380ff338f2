import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EnvironmentRoleId } from '@capstan/contracts-api';

/**
 * A role given to one user or one team on one environment or one group
 * (Portainer's UserAccessPolicies / TeamAccessPolicies maps, as rows so access filters run in SQL).
 */
@Entity({ name: 'access_policies' })
export class AccessPolicyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'environment_id', type: 'integer', nullable: true })
  environmentId!: number | null;

  @Column({ name: 'group_id', type: 'integer', nullable: true })
  groupId!: number | null;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ name: 'team_id', type: 'integer', nullable: true })
  teamId!: number | null;

  @Column({ name: 'role_id', type: 'integer' })
  roleId!: EnvironmentRoleId;
}
