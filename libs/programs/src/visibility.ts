import { Actor, OrganisationType } from '@scf/identity';

/**
 * SQL condition: the program aliased `program` is visible to the actor's organisation, given as
 * the placeholder `org` (`:org` for query builders, `$n` for raw queries). A bank sees the programs
 * it funds, an anchor its own, a supplier those it is enrolled in (BOLA: nothing else, ever).
 */
export function programVisibilitySql(actor: Actor, program = 'p', org = ':org'): string {
  switch (actor.organisationType) {
    case OrganisationType.BANK:
      return `${program}.bank_id = ${org}`;
    case OrganisationType.ANCHOR:
      return `${program}.anchor_id = ${org}`;
    case OrganisationType.SUPPLIER:
      return `EXISTS (SELECT 1 FROM enrolments visible_enrolment WHERE visible_enrolment.program_id = ${program}.id AND visible_enrolment.supplier_id = ${org})`;
  }
}

/** SQL condition: the enrolment `enrolment` of program `program` is visible: its supplier, or the program's bank or anchor. */
export function enrolmentVisibilitySql(actor: Actor, enrolment = 'e', program = 'p', org = ':org'): string {
  return actor.organisationType === OrganisationType.SUPPLIER
    ? `${enrolment}.supplier_id = ${org}`
    : programVisibilitySql(actor, program, org);
}
