/**
 * A text from Connect (a task's trace, a status) with the values of password- and secret-like
 * settings masked. Some Debezium exceptions print the connector's whole resolved configuration,
 * database.password included, and traces reach `stack status`, `projector -- lag` and errors.
 */
export function withoutSecrets(text: string): string {
  return text.replace(/((?:password|secret|credentials?)[\w.-]*"?\s*[=:]\s*"?)[^,}\s"]+/gi, '$1***');
}
