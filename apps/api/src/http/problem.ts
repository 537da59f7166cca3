import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://scf.dev/problems/';

class ProblemViolation {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'amount_too_precise' }) rule: string;
  @ApiProperty() message: string;
}

/** RFC 9457 problem details; `code` is the stable machine-readable reason. */
export class Problem {
  @ApiProperty({ example: `${PROBLEM_TYPE_BASE}sub_limit_exceeded` }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'sub_limit_exceeded' }) code: string;
  @ApiProperty() detail: string;
  @ApiPropertyOptional({ example: 'subLimit' }) field?: string;
  @ApiPropertyOptional({ type: [ProblemViolation] }) violations?: ProblemViolation[];
}
