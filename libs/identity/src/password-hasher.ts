import * as argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). The library default (64 MiB)
 * let a handful of concurrent logins push an API process past its memory budget. Hashes carry
 * their parameters, so hashes made with other settings still verify.
 */
const PARAMETERS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, PARAMETERS);
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password).catch(() => false);
