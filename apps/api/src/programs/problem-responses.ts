import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { Problem } from '../http/problem';

const RESPONSES = {
  400: () => ApiBadRequestResponse({ type: Problem, description: 'invalid input; `field` names the culprit' }),
  404: () => ApiNotFoundResponse({ type: Problem, description: 'absent, or not visible to your organisation' }),
  409: () => ApiConflictResponse({ type: Problem, description: 'the current state or a limit forbids it; see `code`' }),
};

/** The problem responses a route may answer, documented for OpenAPI. */
export const ProblemResponses = (...statuses: (keyof typeof RESPONSES)[]) => applyDecorators(...statuses.map((status) => RESPONSES[status]()));
