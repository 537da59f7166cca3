import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';

/**
 * Field decorators shared by the DTOs. They check the shape; the currency-aware rules (minor-unit
 * precision, positivity) are checked by libs/core's parseAmount where the currency is known.
 */
export const AMOUNT_PATTERN = /^\d{1,16}(\.\d{1,4})?$/;
export const RATE_PATTERN = /^(0(\.\d{1,8})?|1(\.0{1,8})?)$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const AmountField = (description: string, example = '1000000.00', optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ type: String, description, example }) : ApiProperty({ type: String, description, example }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(AMOUNT_PATTERN, { message: '$property must be a positive decimal string with at most the currency\'s minor-unit decimals' }),
  );

export const RateField = (description: string, example = '0.0385', optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ type: String, description, example }) : ApiProperty({ type: String, description, example }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(RATE_PATTERN, { message: '$property must be a decimal fraction string between 0 and 1, e.g. "0.0385"' }),
  );

export const DateField = (description: string, example = '2026-05-27', optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ type: String, format: 'date', description, example }) : ApiProperty({ type: String, format: 'date', description, example }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(DATE_PATTERN, { message: '$property must be a date YYYY-MM-DD' }),
  );

export const CurrencyField = () =>
  applyDecorators(
    ApiProperty({ description: 'ISO 4217 code', example: 'CNY' }),
    IsString(),
    Length(3, 3),
    Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code such as CNY' }),
  );

export const IdField = (description: string, optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ format: 'uuid', description }) : ApiProperty({ format: 'uuid', description }),
    ...(optional ? [IsOptional()] : []),
    IsUUID('all', { message: '$property must be a UUID' }),
  );

/**
 * A nested object validated by its own DTO. IsObject first: a missing value or an array would
 * otherwise slip past ValidateNested and reach the service.
 */
export const NestedField = <T>(type: new () => T, description: string, optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ type, description }) : ApiProperty({ type, description }),
    ...(optional ? [IsOptional()] : [IsDefined({ message: '$property is required' })]),
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(() => type),
  );

export const TAX_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 \-./]{0,63}$/;
export const BANK_ACCOUNT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 -]{3,63}$/;

/** Optional tax id and bank account, for the DTOs that create or change an organisation. */
export const TaxIdField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: '91310000MA1FL0000X', description: 'stored encrypted; shown masked except to the organisation\'s admins and bank staff' }),
    IsOptional(),
    IsString(),
    Matches(TAX_ID_PATTERN, { message: '$property must be 1–64 letters, digits, spaces or - . /' }),
  );

export const BankAccountField = (optional = true) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      example: '6222021234567890123',
      description: 'stored encrypted; shown masked (****0123) except to the organisation\'s admins and bank staff',
    }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(BANK_ACCOUNT_PATTERN, { message: '$property must be 4–64 letters, digits, spaces or hyphens (an account number or IBAN)' }),
  );

/**
 * A response field that the policy (FIELD_VISIBILITY in libs/programs/src/visibility.ts) leaves out
 * for the program's anchor: optional in the document, and the description says for whom.
 */
export const NotForAnchor = (options: ApiPropertyOptions = {}) =>
  ApiPropertyOptional({
    ...options,
    description: [options.description, "left out for the program's anchor: what its suppliers finance, and at what price, is theirs"].filter(Boolean).join('; '),
  } as ApiPropertyOptions);
