import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { forbidden } from '@scf/core';
import { Actor, AuthService, OrganisationType, Role, Session } from '@scf/identity';
import { Problem } from '../http/problem';
import { IDEMPOTENCY_HEADER } from '../http/idempotency.interceptor';
import { refuseReplayOfSecrets, RefusesIdempotencyKey } from '../security/secret-responses';
import { LoginRateLimit } from '../security/rate-limit.guard';
import { CurrentActor, Public, Roles } from './auth.decorators';

class LoginDto {
  @ApiProperty({ example: 'maker@bank.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Demo-password-1' }) @IsString() @MinLength(1) @MaxLength(256) password: string;
}

class ActorDto {
  @ApiProperty({ format: 'uuid', description: 'the user; for an API key, the admin who issued it' }) userId: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ enum: OrganisationType }) organisationType: OrganisationType;
  @ApiProperty({ enum: Role, isArray: true }) roles: Role[];
  @ApiPropertyOptional({ format: 'uuid', description: 'present when the caller authenticated with an API key' }) apiKeyId?: string;
}

class TokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ description: 'seconds until the token expires; refresh it before, or log in again after' }) expiresIn: number;
  @ApiProperty({ type: ActorDto }) actor: ActorDto;
}

const ALL_ROLES = Object.values(Role);

const tokenOf = (session: Session): TokenDto => ({
  accessToken: session.accessToken,
  tokenType: 'Bearer',
  expiresIn: session.expiresIn,
  actor: session.actor,
});

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @LoginRateLimit()
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: Problem, description: 'wrong email or password, or account locked after repeated failures' })
  async login(@Body() body: LoginDto): Promise<TokenDto> {
    return tokenOf(await this.auth.login(body.email, body.password));
  }

  /** A new token for the bearer's valid one (fresh expiry, current roles), within the session's maximum age. */
  @Post('refresh')
  @RefusesIdempotencyKey()
  @HttpCode(200)
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: TokenDto })
  @ApiForbiddenResponse({ type: Problem, description: 'API keys have no session to refresh' })
  async refresh(
    @CurrentActor() actor: Actor,
    @Headers('authorization') authorization: string,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
  ): Promise<TokenDto> {
    refuseReplayOfSecrets(idempotencyKey);
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'an API key has no session to refresh');
    return tokenOf(await this.auth.refresh(authorization.slice('Bearer '.length)));
  }

  @Post('logout')
  @HttpCode(204)
  @Roles(...ALL_ROLES)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  @Get('me')
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: ActorDto })
  me(@CurrentActor() actor: Actor): ActorDto {
    return actor;
  }
}
