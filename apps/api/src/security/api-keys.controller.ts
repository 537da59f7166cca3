import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsString, Length, Matches } from 'class-validator';
import { Actor, ApiKey, ApiKeysService, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';
import { IDEMPOTENCY_HEADER } from '../http/idempotency.interceptor';
import { refuseReplayOfSecrets, RefusesIdempotencyKey } from './secret-responses';
import { PageOf, PageQuery, pageWindow, Page, toPage } from '../http/pagination';
import { Problem } from '../http/problem';

class NewApiKeyDto {
  @ApiProperty({ example: 'SAP payables upload', description: 'what the key is for (1–100 characters)' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: '$property must not be blank' })
  name: string;

  @ApiProperty({ enum: Role, isArray: true, example: [Role.ANCHOR_PAYABLES], description: 'roles the key acts in: non-admin roles of the caller\'s organisation type' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsEnum(Role, { each: true })
  scopes: Role[];
}

class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'scf_Ab3dE9xQ', description: 'the first characters of the key, to tell keys apart' }) prefix: string;
  @ApiProperty({ enum: Role, isArray: true }) scopes: Role[];
  @ApiProperty({ format: 'uuid', description: 'the admin who issued the key; the key acts in their name' }) createdBy: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'to the minute' }) lastUsedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;

  static of(k: ApiKey): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    };
  }
}

class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'scf_…', description: 'the secret: shown this once, store it in the ERP\'s secret store. Send it as `X-API-Key: <key>` or `Authorization: ApiKey <key>`' })
  key: string;
}

const ADMINS = [Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN];

/** Organisation admins issue, list and revoke API keys for machine access (ERP integration). */
@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Roles(...ADMINS)
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @RefusesIdempotencyKey()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: NewApiKeyDto,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedApiKeyDto> {
    refuseReplayOfSecrets(idempotencyKey);
    const { apiKey, secret } = await this.apiKeys.create(actor, { name: body.name.trim(), scopes: body.scopes });
    response.setHeader('Cache-Control', 'no-store');
    return { ...ApiKeyDto.of(apiKey), key: secret };
  }

  @Get()
  @Roles(...ADMINS)
  @ApiOkResponse({ type: PageOf(ApiKeyDto) })
  async list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<Page<ApiKeyDto>> {
    const window = pageWindow(query);
    return toPage(await this.apiKeys.list(actor, window), window, ApiKeyDto.of);
  }

  /** Takes effect at once: the next request with the key is refused (401). */
  @Delete(':apiKeyId')
  @HttpCode(204)
  @Roles(...ADMINS)
  @ApiNoContentResponse({ description: 'revoked (also when it already was)' })
  @ApiNotFoundResponse({ type: Problem })
  async revoke(@CurrentActor() actor: Actor, @Param('apiKeyId', new IdPipe('apiKeyId')) id: string): Promise<void> {
    await this.apiKeys.revoke(actor, id);
  }
}
