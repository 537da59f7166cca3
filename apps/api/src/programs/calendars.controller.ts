import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { CalendarsService } from '@scf/programs';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ProblemResponses } from './problem-responses';
import { BANK_ROLES } from './roles';
import { CalendarDto, CreateCalendarDto, HolidayRangeQuery, HolidaysAddedDto, HolidayUploadDto } from './calendar.dto';

/** A bank's holiday calendars: programs name one; value dates and maturities avoid its non-business days. */
@ApiTags('calendars')
@Controller('v1/calendars')
export class CalendarsController {
  constructor(private readonly calendars: CalendarsService) {}

  @Post()
  @Roles(Role.BANK_ADMIN, Role.BANK_OPERATIONS)
  @ApiCreatedResponse({ type: CalendarDto })
  @ProblemResponses(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateCalendarDto): Promise<CalendarDto> {
    return this.calendars.create(actor, body);
  }

  @Get()
  @Roles(...BANK_ROLES)
  @ApiOkResponse({ type: [CalendarDto], description: 'your bank\'s calendars, without their holidays' })
  list(@CurrentActor() actor: Actor): Promise<CalendarDto[]> {
    return this.calendars.list(actor);
  }

  @Get(':code')
  @Roles(...BANK_ROLES)
  @ApiOkResponse({ type: CalendarDto })
  @ProblemResponses(400, 404)
  get(@CurrentActor() actor: Actor, @Param('code') code: string, @Query() query: HolidayRangeQuery): Promise<CalendarDto> {
    return this.calendars.get(actor, code, query);
  }

  @Post(':code/holidays')
  @HttpCode(200)
  @Roles(Role.BANK_ADMIN, Role.BANK_OPERATIONS)
  @ApiOkResponse({ type: HolidaysAddedDto, description: 'idempotent: repeating an upload adds nothing. The offers of programs on this calendar are re-priced.' })
  @ProblemResponses(400, 404)
  addHolidays(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() body: HolidayUploadDto): Promise<HolidaysAddedDto> {
    return this.calendars.addHolidays(actor, code, body);
  }
}
