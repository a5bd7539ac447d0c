import crypto from 'node:crypto';

/**
 * A password as PostgreSQL stores it under scram-sha-256 (RFC 5802/7677), made here so that
 * `CREATE ROLE … PASSWORD` never carries the password itself: the statement text reaches the
 * server's log on an error, pg_stat_activity and pg_stat_statements, and this keeps the password
 * out of all three. PostgreSQL takes a value of this shape as the stored verifier.
 */
export function scramVerifier(password: string, { salt = crypto.randomBytes(16), iterations = 4096 } = {}): string {
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest();
  const storedKey = crypto.createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
