/** A map key for a pair of ids: (user, channel), (user, contact), (owner, peer). */
export const pairKey = (a: bigint, b: bigint): string => `${a}:${b}`;
