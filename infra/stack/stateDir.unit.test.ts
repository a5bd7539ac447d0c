import { chooseStateDir, outsideStateDir } from './stateDir';

describe('chooseStateDir', () => {
  const rootDir = '/root/im-pipeline';
  const nobodyEnters = () => false;

  it('given STACK_DIR, then it is used, whoever runs the stack', () => {
    expect(chooseStateDir({ rootDir, stackDir: 'state', asRoot: true, canEnter: nobodyEnters })).toEqual({
      stateDir: `${process.cwd()}/state`,
      why: 'STACK_DIR',
    });
  });

  it('given root and a checkout the postgres user can enter, then the state stays in the checkout', () => {
    expect(chooseStateDir({ rootDir, stackDir: undefined, asRoot: true, canEnter: () => true }).stateDir).toBe(
      '/root/im-pipeline/infra/.local',
    );
  });

  it('given another user than root, then the state stays in the checkout: PostgreSQL runs as that user', () => {
    expect(chooseStateDir({ rootDir, stackDir: undefined, asRoot: false, canEnter: nobodyEnters }).why).toBe('in the checkout');
  });

  it('given root and a checkout the postgres user cannot enter, then a folder of its own outside, the same on every run', () => {
    const first = chooseStateDir({ rootDir, stackDir: undefined, asRoot: true, canEnter: nobodyEnters });
    const again = chooseStateDir({ rootDir, stackDir: undefined, asRoot: true, canEnter: nobodyEnters });
    expect(first.stateDir).toMatch(/^\/var\/lib\/im-pipeline\/im-pipeline-[0-9a-f]{12}$/);
    expect(again).toEqual(first);
  });

  it('given two checkouts with the same name, then each has its own folder outside', () => {
    expect(outsideStateDir('/root/a/im-pipeline')).not.toBe(outsideStateDir('/root/b/im-pipeline'));
  });
});
