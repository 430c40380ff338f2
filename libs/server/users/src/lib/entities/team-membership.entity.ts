import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MembershipRole } from '@capstan/contracts-api';

@Entity({ name: 'team_memberships' })
export class TeamMembershipEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'team_id', type: 'integer' })
  teamId!: number;

  /** 1 leader, 2 member. */
  @Column({ type: 'integer' })
  role!: MembershipRole;
}
