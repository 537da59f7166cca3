import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@scf/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids must be UUIDs: a malformed id is a 400 that names the parameter, never a query. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new DomainError('VALIDATION', 'id_malformed', `${this.name} must be a UUID`, { field: this.name });
    return value.toLowerCase();
  }
}
