import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsEnum, IsIn, IsOptional, IsString, Length, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { invalid, notFound } from '@scf/core';
import { Actor, Organisation, OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { IdPipe } from '../http/id.pipe';

export class NewUserDto {
  @ApiProperty({ example: 'treasurer@anchor.demo' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Li Wei' }) @IsString() @Length(1, 200) displayName: string;
  @ApiProperty({ description: 'at least 12 characters' }) @IsString() @MinLength(12) @MaxLength(256) password: string;
  @ApiPropertyOptional({ enum: Role, isArray: true }) @IsOptional() @IsArray() @IsEnum(Role, { each: true }) roles?: Role[];
}

class NewAnchorDto {
  @ApiProperty({ enum: [OrganisationType.ANCHOR] }) @IsIn([OrganisationType.ANCHOR]) type: OrganisationType.ANCHOR;
  @ApiProperty({ example: 'Sunrise Motors Ltd' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) taxId?: string;
  @ApiProperty({ type: NewUserDto }) @ValidateNested() @Type(() => NewUserDto) admin: NewUserDto;
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: OrganisationType }) type: OrganisationType;
  @ApiProperty() name: string;

  static of(o: Organisation): OrganisationDto {
    return { id: o.id, type: o.type, name: o.name };
  }
}

class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role, isArray: true }) roles: Role[];
}

@ApiTags('organisations')
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  /** A bank onboards an anchor enterprise and its first admin. */
  @Post()
  @Roles(Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER)
  @ApiCreatedResponse({ type: OrganisationDto })
  async createAnchor(@CurrentActor() actor: Actor, @Body() body: NewAnchorDto): Promise<OrganisationDto> {
    const { organisation } = await this.organisations.create({
      type: OrganisationType.ANCHOR,
      name: body.name,
      taxId: body.taxId,
      createdByOrganisationId: actor.organisationId,
      admin: { ...body.admin, roles: body.admin.roles ?? [Role.ANCHOR_ADMIN] },
    });
    return OrganisationDto.of(organisation);
  }

  @Get('mine')
  @Roles(...Object.values(Role))
  @ApiOkResponse({ type: OrganisationDto })
  async mine(@CurrentActor() actor: Actor): Promise<OrganisationDto> {
    return OrganisationDto.of(await this.organisations.get(actor.organisationId));
  }

  /** An organisation admin adds a colleague with roles allowed for the organisation type. */
  @Post(':id/users')
  @Roles(Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN)
  @ApiCreatedResponse({ type: UserDto })
  async addUser(@CurrentActor() actor: Actor, @Param('id', new IdPipe()) id: string, @Body() body: NewUserDto): Promise<UserDto> {
    if (id !== actor.organisationId) throw notFound('organisation');
    if (!body.roles?.length) throw invalid('roles_required', 'name at least one role for the new user', 'roles');
    const user = await this.organisations.addUser({
      organisationId: id,
      organisationType: actor.organisationType,
      email: body.email,
      displayName: body.displayName,
      password: body.password,
      roles: body.roles,
    });
    return { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles };
  }
}
