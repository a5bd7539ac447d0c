import { scramVerifier } from './scramVerifier';

// RFC 7677's SCRAM-SHA-256 example: password "pencil", this salt, 4096 rounds; the keys are those
// of that exchange. That PostgreSQL accepts such a verifier is shown by every stack test: the
// stack sets each role's password this way and the parts log in with it.
const RFC_SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');

describe('scramVerifier', () => {
  it('given RFC 7677’s password and salt, then its keys are those of the RFC’s exchange', () => {
    const verifier = scramVerifier('pencil', { salt: RFC_SALT, iterations: 4096 });
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match?.[1]).toBe('W22ZaJ0SNY7soEsUEjb6gQ==');
    expect(match?.[2]).toBe('WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=');
    expect(match?.[3]).toBe('wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=');
  });

  it('given the same password twice, then the verifiers differ (a fresh salt each time) and neither contains it', () => {
    const [a, b] = [scramVerifier('correct horse battery'), scramVerifier('correct horse battery')];
    expect(a).not.toBe(b);
    expect(a.includes('correct horse battery')).toBe(false);
  });
});
