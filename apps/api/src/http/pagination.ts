import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 200;

/** limit/offset paging; a list answers `hasMore` instead of a costly total count. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  hasMore: boolean;
}

export function pageWindow(query: PageQuery): { limit: number; offset: number } {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

/** Builds a page from rows fetched with `limit + 1` (the extra row only tells that more exist). */
export function toPage<R, T>(rows: R[], window: { limit: number; offset: number }, map: (row: R) => T): Page<T> {
  return {
    items: rows.slice(0, window.limit).map(map),
    limit: window.limit,
    offset: window.offset,
    hasMore: rows.length > window.limit,
  };
}

/** OpenAPI schema for Page<T>. */
export function PageOf<T>(item: new () => T) {
  class PageDto {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty() limit: number;
    @ApiProperty() offset: number;
    @ApiProperty() hasMore: boolean;
  }
  Object.defineProperty(PageDto, 'name', { value: `PageOf${item.name}` });
  return PageDto;
}
