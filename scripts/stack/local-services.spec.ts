import { type MachineFacts, planServiceStart } from './local-services';

const machine = (programs: string[], postgresVersions: string[] = []): MachineFacts => ({
  has: (program) => programs.includes(program),
  postgresVersions: () => postgresVersions,
});

describe('planServiceStart', () => {
  const postgresUrl = 'postgresql://postgres@127.0.0.1:5432/gatehouse';
  const redisUrl = 'redis://127.0.0.1:6379';

  it("starts Debian's newest Postgres cluster, as CI does", () => {
    const plan = planServiceStart('postgres', postgresUrl, machine(['pg_ctlcluster'], ['13', '15']), '/state/postgres');
    expect(plan).toMatchObject({ kind: 'start' });
    expect(plan.kind === 'start' && plan.commands[0]).toEqual([
      'pg_ctlcluster',
      '--skip-systemctl-redirect',
      '15',
      'main',
      'start',
    ]);
  });

  it('starts a daemonised redis-server bound to 127.0.0.1 on the URL’s port, its files in the state folder', () => {
    const plan = planServiceStart('redis', 'redis://localhost:6380', machine(['redis-server']), '/state/redis');
    expect(plan.kind === 'start' && plan.commands[0]).toEqual([
      'redis-server',
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      '6380',
      '--dir',
      '/state/redis',
      '--logfile',
      '/state/redis/redis.log',
    ]);
  });

  it('says in one line how to get a service that is not installed', () => {
    for (const [service, url] of [
      ['postgres', postgresUrl],
      ['redis', redisUrl],
    ] as const) {
      const plan = planServiceStart(service, url, machine([]), '/state');
      expect(plan.kind).toBe('advise');
      const message = plan.kind === 'advise' ? plan.message : '';
      expect(message).not.toContain('\n');
      expect(message).toMatch(/apt-get install/);
      expect(message).toMatch(/brew install/);
      expect(message).toMatch(/docker compose up -d postgres redis/);
    }
  });

  it('never starts anything for a service on another host', () => {
    expect(planServiceStart('redis', 'redis://cache.internal:6379', machine(['redis-server']), '/s').kind).toBe(
      'advise',
    );
    expect(
      planServiceStart('postgres', 'postgresql://db.internal/gatehouse', machine(['pg_ctlcluster'], ['15']), '/s').kind,
    ).toBe('advise');
  });

  it('tells how to start a Postgres that is installed without Debian’s cluster tools', () => {
    const plan = planServiceStart('postgres', postgresUrl, machine(['pg_ctl']), '/state');
    expect(plan.kind === 'advise' && plan.message).toMatch(/installed but not running/);
  });
});
