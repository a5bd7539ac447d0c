import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseStateDir } from '../../infra/stack/stateDir';

/**
 * The state folder's choice against the real `postgres` OS user (runuser): a checkout in a folder
 * of mode 0700, as root's home is, is out of its reach; the same checkout under mode 0755 is not.
 */
const asRoot = os.userInfo().uid === 0;

(asRoot ? describe : describe.skip)('the stack state folder, as root', () => {
  let parent: string;
  let rootDir: string;

  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'state-dir-'));
    rootDir = path.join(parent, 'im-pipeline');
    fs.mkdirSync(path.join(rootDir, 'infra'), { recursive: true });
  });

  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('given a checkout under a folder of mode 0700, then the state goes where the postgres user can reach it', () => {
    fs.chmodSync(parent, 0o700);
    const choice = chooseStateDir({ rootDir, stackDir: undefined });
    expect(choice.why).toBe("the checkout is out of the postgres user's reach");
    expect(choice.stateDir.startsWith('/var/lib/im-pipeline/')).toBe(true);
  });

  it('given the same checkout under a folder of mode 0755, then the state stays in the checkout', () => {
    fs.chmodSync(parent, 0o755);
    expect(chooseStateDir({ rootDir, stackDir: undefined })).toEqual({
      stateDir: path.join(rootDir, 'infra', '.local'),
      why: 'in the checkout',
    });
  });
});
