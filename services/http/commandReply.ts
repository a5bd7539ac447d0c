import type { FastifyReply } from 'fastify';
import type { CommandResult } from '../commands/commandResult';
import { rejectionStatus } from './rejectionStatus';

/** Sends an accepted command's value as JSON with `status`, or its refusal as `{ error, message }`. */
export function sendCommandResult<T>(reply: FastifyReply, result: CommandResult<T>, status: number, toJson: (value: T) => unknown) {
  if (!result.ok) {
    const { code, message } = result.rejection;
    return reply.code(rejectionStatus(code)).send({ error: code, message });
  }
  return status === 204 ? reply.code(204).send() : reply.code(status).send(toJson(result.value));
}

/** Ids and seqs leave as decimal strings, so values above 2^53 survive JSON. */
export const idText = (id: bigint): string => id.toString();
export const timeText = (time: Date | null): string | null => (time === null ? null : time.toISOString());
