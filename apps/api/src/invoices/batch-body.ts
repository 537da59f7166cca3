import { createParamDecorator, ExecutionContext, PipeTransform, Type } from '@nestjs/common';
import { DomainError } from '@scf/core';
import { assertPlainBody } from '../http/body-shape';
import { validationPipe } from '../http/validation';

const RawBody = createParamDecorator((_: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest().body);

class BatchBodyPipe implements PipeTransform {
  constructor(
    private readonly envelope: Type<object>,
    private readonly rowsField: string,
  ) {}

  async transform(body: unknown): Promise<object> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new DomainError('VALIDATION', 'validation_failed', 'the body must be a JSON object', { field: 'body' });
    }
    assertPlainBody(body);
    const { [this.rowsField]: rows, ...envelope } = body as Record<string, unknown>;
    const checked = (await validationPipe.transform(envelope, { type: 'body', metatype: this.envelope })) as object;
    return Object.assign(checked, { [this.rowsField]: rows });
  }
}

/**
 * The body of a bulk route. Its envelope (every field but the rows) is validated by the `envelope`
 * DTO like any body; the rows skip the global ValidationPipe, whose class-transformer would copy
 * each of up to 10,000 rows field by field (a third of the request's time), and are checked by the
 * service, which names every bad row ("invoices[17].amount"). Document the route with @ApiBody.
 */
export const BatchBody = (envelope: Type<object>, rowsField: string) => RawBody(new BatchBodyPipe(envelope, rowsField));
