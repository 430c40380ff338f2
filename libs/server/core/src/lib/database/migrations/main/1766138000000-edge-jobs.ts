import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Edge jobs (Portainer's EdgeJob): a script and its cron schedule, delivered to edge agents in the poll's
 * `schedules`. Targets are environments (`edge_job_environments.explicit`) and edge groups (`edge_job_groups`,
 * no foreign key: groups belong to the edge compute module, which asks before deleting one in use). The per
 * environment row also keeps the log collection state; collected logs are files under `<data>/edge_jobs/<id>/`.
 */
export class EdgeJobs1766138000000 implements MigrationInterface {
  name = 'EdgeJobs1766138000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'edge_jobs',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'cron_expression', type: 'varchar', length: '255' },
          { name: 'recurring', type: 'boolean', default: true },
          { name: 'script', type: 'text' },
          { name: 'version', type: 'integer', default: 1 },
          { name: 'run_at', type: 'bigint', default: 0 },
          { name: 'created_at', type: 'bigint' },
          { name: 'created_by', type: 'varchar', length: '255', default: "''" },
          { name: 'updated_at', type: 'bigint', default: 0 },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'edge_job_environments',
        columns: [
          { name: 'job_id', type: 'integer', isPrimary: true },
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'explicit', type: 'boolean', default: true },
          { name: 'logs_status', type: 'integer', default: 1 },
          { name: 'collect_logs', type: 'boolean', default: false },
          { name: 'logs_at', type: 'bigint', default: 0 },
          { name: 'logs_size', type: 'integer', default: 0 },
        ],
        foreignKeys: [
          {
            columnNames: ['job_id'],
            referencedTableName: 'edge_jobs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['environment_id'],
            referencedTableName: 'environments',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'ix_edge_job_environments_env', columnNames: ['environment_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'edge_job_groups',
        columns: [
          { name: 'job_id', type: 'integer', isPrimary: true },
          { name: 'group_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['job_id'],
            referencedTableName: 'edge_jobs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'ix_edge_job_groups_group', columnNames: ['group_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('edge_job_groups');
    await q.dropTable('edge_job_environments');
    await q.dropTable('edge_jobs');
  }
}
