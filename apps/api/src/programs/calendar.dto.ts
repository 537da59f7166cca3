import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { CalendarView, HolidayView, MAX_HOLIDAYS_PER_UPLOAD } from '@scf/programs';
import { DateField } from '../http/fields';

export class CreateCalendarDto {
  @ApiProperty({ example: 'CN', description: 'your bank\'s code for it: 1–16 capital letters, digits, _ or -' }) @IsString() @Length(1, 16) code: string;
  @ApiProperty({ example: 'Mainland China business days' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({
    type: [Number], example: [6, 7], default: [6, 7],
    description: 'ISO weekdays that are never business days (1 = Monday … 7 = Sunday); [] when every weekday can be one',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(6) @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  weekendDays?: number[];
}

export class HolidayDto implements HolidayView {
  @DateField('a non-business day', '2026-10-01') date: string;
  @ApiPropertyOptional({ example: 'National Day' }) @IsOptional() @IsString() @Length(1, 200) name: string;
}

export class HolidayUploadDto {
  @ApiProperty({ type: [HolidayDto], description: `1 to ${MAX_HOLIDAYS_PER_UPLOAD} holidays; dates the calendar lists already are left as they are` })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_HOLIDAYS_PER_UPLOAD) @ValidateNested({ each: true }) @Type(() => HolidayDto)
  holidays: HolidayDto[];
}

export class HolidayRangeQuery {
  @DateField('first holiday date to list', '2026-01-01', true) from?: string;
  @DateField('last holiday date to list', '2026-12-31', true) to?: string;
}

export class CalendarDto implements CalendarView {
  @ApiProperty({ example: 'CN' }) code: string;
  @ApiProperty({ example: 'Mainland China business days' }) name: string;
  @ApiProperty({ type: [Number], example: [6, 7], description: 'ISO weekdays that are never business days' }) weekendDays: number[];
  @ApiProperty({ type: [HolidayDto], description: 'listed holidays (empty in the list of calendars)' }) holidays: HolidayDto[];
}

export class HolidaysAddedDto {
  @ApiProperty({ type: [String], example: ['2026-10-01', '2026-10-02'], description: 'dates this upload added; [] when it repeated an earlier one' }) added: string[];
  @ApiProperty({ type: CalendarDto }) calendar: CalendarDto;
}
