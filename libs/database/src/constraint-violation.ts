/** Whether a failed statement broke the named unique constraint or index (SQLSTATE 23505), and no other. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const failure = error as { code?: unknown; constraint?: unknown } | null;
  return failure?.code === '23505' && failure.constraint === constraint;
}
