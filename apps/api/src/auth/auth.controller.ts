import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { Actor, AuthService, OrganisationType, Role } from '@scf/identity';
import { Problem } from '../http/problem';
import { CurrentActor, Public, Roles } from './auth.decorators';

class LoginDto {
  @ApiProperty({ example: 'maker@bank.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Demo-password-1' }) @IsString() @MinLength(1) @MaxLength(256) password: string;
}

class ActorDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ enum: OrganisationType }) organisationType: OrganisationType;
  @ApiProperty({ enum: Role, isArray: true }) roles: Role[];
}

class TokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ description: 'seconds until the token expires; log in again after' }) expiresIn: number;
  @ApiProperty({ type: ActorDto }) actor: ActorDto;
}

const ALL_ROLES = Object.values(Role);

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: Problem, description: 'wrong email or password, or account locked' })
  async login(@Body() body: LoginDto): Promise<TokenDto> {
    const session = await this.auth.login(body.email, body.password);
    return { accessToken: session.accessToken, tokenType: 'Bearer', expiresIn: session.expiresIn, actor: session.actor };
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
