import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldViolation } from '@scf/core';
import { assertPlainBody } from './body-shape';

function flatten(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown_field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

/** Checks a body's or query's shape (depth, prototype-named keys, malformed text) before class-transformer walks it. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertPlainBody(value);
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused (no mass assignment); every violation is named with its field. */
export const validationPipe = new BodyValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  stopAtFirstError: false,
  exceptionFactory: (errors) => {
    const violations = flatten(errors);
    const first = violations[0];
    return new DomainError('VALIDATION', 'validation_failed', first ? first.message : 'invalid request', {
      field: first?.field,
      violations,
    });
  },
});
