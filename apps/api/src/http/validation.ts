import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldViolation } from '@scf/core';

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

/** Unknown fields are refused (no mass assignment); every violation is named with its field. */
export const validationPipe = new ValidationPipe({
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
