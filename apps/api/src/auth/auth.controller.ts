import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { forbidden } from '@scf/core';
import { Actor, AuthService, CredentialsService, INVITATION_TTL_HOURS, OrganisationType, PASSWORD_RESET_TTL_MINUTES, Role, Session } from '@scf/identity';
import { Problem } from '../http/problem';
import { IDEMPOTENCY_HEADER } from '../http/idempotency.interceptor';
import { refuseReplayOfSecrets, RefusesIdempotencyKey } from '../security/secret-responses';
import { CredentialRateLimit } from '../security/rate-limit.guard';
import { CurrentActor, Public, Roles } from './auth.decorators';

class LoginDto {
  @ApiProperty({ example: 'maker@bank.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Demo-password-1' }) @IsString() @MinLength(1) @MaxLength(256) password: string;
}

/** A password the user chooses: 12 to 256 characters. */
const NewPasswordField = (example: string) =>
  applyDecorators(
    ApiProperty({ example, minLength: 12, maxLength: 256, description: 'the password the user chooses: 12 to 256 characters' }),
    IsString(),
    MinLength(12),
    MaxLength(256),
  );

const TokenField = (description: string) =>
  applyDecorators(
    ApiProperty({ example: 'q3Zt…43 characters', description }),
    IsString(),
    Matches(/^[A-Za-z0-9_-]{43}$/, { message: '$property must be the 43-character token as received' }),
  );

class AcceptInvitationDto {
  @TokenField(`the invitation token the inviter passed on (single use, valid ${INVITATION_TTL_HOURS} hours)`) token: string;
  @NewPasswordField('My-own-password-1') password: string;
}

class ChangePasswordDto {
  @ApiProperty({ example: 'Demo-password-1' }) @IsString() @MinLength(1) @MaxLength(256) currentPassword: string;
  @NewPasswordField('My-new-password-2') newPassword: string;
}

class PasswordResetRequestDto {
  @ApiProperty({ example: 'finance@supplier1.demo' }) @IsEmail() @MaxLength(254) email: string;
}

class PasswordResetDto {
  @TokenField(`the token from the reset mail (single use, valid ${PASSWORD_RESET_TTL_MINUTES} minutes)`) token: string;
  @NewPasswordField('My-new-password-2') password: string;
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
  constructor(
    private readonly auth: AuthService,
    private readonly credentials: CredentialsService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @CredentialRateLimit()
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({
    type: Problem,
    description: 'one answer for every refusal: unknown email, wrong password, account locked after repeated failures, deactivated, or invitation not accepted yet',
  })
  async login(@Body() body: LoginDto): Promise<TokenDto> {
    return tokenOf(await this.auth.login(body.email, body.password));
  }

  /** The invitee sets their own password; then they log in. */
  @Public()
  @Post('invitations/accept')
  @HttpCode(204)
  @CredentialRateLimit()
  @ApiNoContentResponse({ description: 'the user is ACTIVE and can log in' })
  @ApiBadRequestResponse({ type: Problem, description: 'invalid_token: unknown, used, revoked or expired; or a password outside 12–256 characters' })
  async acceptInvitation(@Body() body: AcceptInvitationDto): Promise<void> {
    await this.credentials.acceptInvitation(body.token, body.password);
  }

  /**
   * Mails a single-use reset link valid for an hour, when the email belongs to an active user. The
   * answer is the same either way. (Until a mail relay is configured, the mail waits in the
   * outgoing_mail table.)
   */
  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @CredentialRateLimit()
  @ApiAcceptedResponse({ description: 'always, whether or not an account has this email' })
  async requestPasswordReset(@Body() body: PasswordResetRequestDto): Promise<void> {
    await this.credentials.requestPasswordReset(body.email);
  }

  /** Sets a new password with the mailed token; every session of the user ends and a lockout is lifted. */
  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @CredentialRateLimit()
  @ApiNoContentResponse({ description: 'the new password is set; log in with it' })
  @ApiBadRequestResponse({ type: Problem, description: 'invalid_token: unknown, used, revoked or expired; or a password outside 12–256 characters' })
  async resetPassword(@Body() body: PasswordResetDto): Promise<void> {
    await this.credentials.resetPassword(body.token, body.password);
  }

  /** Ends every other session of the user; the answer is a fresh token for this one. */
  @Post('password')
  @RefusesIdempotencyKey()
  @HttpCode(200)
  @Roles(...ALL_ROLES)
  @CredentialRateLimit()
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: Problem, description: 'wrong_password (currentPassword), or a new password outside 12–256 characters' })
  @ApiForbiddenResponse({ type: Problem, description: 'API keys have no password' })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordDto,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
  ): Promise<TokenDto> {
    refuseReplayOfSecrets(idempotencyKey);
    return tokenOf(await this.auth.changePassword(actor, body.currentPassword, body.newPassword));
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
