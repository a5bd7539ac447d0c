/** The contract's small-integer codes (CONTRACT.md), named once. */

export const ChannelType = { direct: 1, group: 2 } as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

/** channel_members.role: the contract leaves the values to the writer. */
export const MemberRole = { member: 0, admin: 1, owner: 2 } as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];

export const ApplicationTarget = { friend: 1, group: 2 } as const;
export const ApplicationStatus = { pending: 0, accepted: 1, rejected: 2 } as const;
export type ApplicationStatus = (typeof ApplicationStatus)[keyof typeof ApplicationStatus];
