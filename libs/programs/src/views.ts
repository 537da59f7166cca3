import { available, formatAmount, formatRate } from '@scf/core';
import { Program, ProgramStatus } from './program.entity';
import { ProgramChange, ProgramChangeKind, ProgramChangeStatus, ProgramTerms } from './program-change.entity';
import { EnrolmentStatus } from './enrolment.entity';
import { EnrolmentChange, EnrolmentChangeKind } from './enrolment-change.entity';

/** A program as clients see it: money formatted to the currency's minor unit, rates as exact decimal strings. */
export interface ProgramView {
  id: string;
  name: string;
  bankId: string;
  anchorId: string;
  currency: string;
  limitAmount: string;
  utilised: string;
  available: string;
  validFrom: string;
  validTo: string;
  baseRate: string;
  margin: string;
  advanceRate: string;
  feeRate: string;
  dayCountBasis: 360 | 365;
  minTenorDays: number;
  maxTenorDays: number;
  graceDays: number;
  penaltyRate: string;
  offerValidityDays: number;
  autoApprovalThreshold: string;
  timeZone: string;
  calendarCode: string;
  status: ProgramStatus;
  pricingVersion: number;
  createdBy: string;
  approvedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function programView(p: Program): ProgramView {
  const money = (value: string) => formatAmount(value, p.currency);
  return {
    id: p.id,
    name: p.name,
    bankId: p.bankId,
    anchorId: p.anchorId,
    currency: p.currency,
    limitAmount: money(p.limitAmount),
    utilised: money(p.utilised),
    available: formatAmount(available(p.limitAmount, p.utilised), p.currency),
    validFrom: p.validFrom,
    validTo: p.validTo,
    baseRate: formatRate(p.baseRate),
    margin: formatRate(p.margin),
    advanceRate: formatRate(p.advanceRate),
    feeRate: formatRate(p.feeRate),
    dayCountBasis: p.dayCountBasis,
    minTenorDays: p.minTenorDays,
    maxTenorDays: p.maxTenorDays,
    graceDays: p.graceDays,
    penaltyRate: formatRate(p.penaltyRate),
    offerValidityDays: p.offerValidityDays,
    autoApprovalThreshold: money(p.autoApprovalThreshold),
    timeZone: p.timeZone,
    calendarCode: p.calendarCode,
    status: p.status,
    pricingVersion: p.pricingVersion,
    createdBy: p.createdBy,
    approvedBy: p.approvedBy,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** The changed terms, formatted like the program's. */
export function termsView(terms: ProgramTerms, currency: string): ProgramTerms {
  const view: ProgramTerms = {};
  for (const [field, value] of Object.entries(terms) as [keyof ProgramTerms, string][]) {
    if (field === 'limitAmount' || field === 'autoApprovalThreshold') view[field] = formatAmount(value, currency);
    else if (field === 'validTo') view[field] = value;
    else view[field] = formatRate(value);
  }
  return view;
}

export interface ProgramChangeView {
  id: string;
  programId: string;
  kind: ProgramChangeKind;
  changes: ProgramTerms;
  status: ProgramChangeStatus;
  reason: string | null;
  proposedBy: string;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export function programChangeView(change: ProgramChange, currency: string): ProgramChangeView {
  return {
    id: change.id,
    programId: change.programId,
    kind: change.kind,
    changes: termsView(change.changes, currency),
    status: change.status,
    reason: change.reason,
    proposedBy: change.proposedBy,
    decidedBy: change.decidedBy,
    createdAt: change.createdAt,
    decidedAt: change.decidedAt,
  };
}

export interface EnrolmentView {
  id: string;
  programId: string;
  supplierId: string;
  supplierName: string;
  currency: string;
  subLimit: string;
  /** What the supplier has drawn: left out for the anchor (FIELD_VISIBILITY.enrolment). */
  utilised?: string;
  available?: string;
  status: EnrolmentStatus;
  proposedBy: string;
  approvedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EnrolmentChangeView {
  id: string;
  enrolmentId: string;
  programId: string;
  kind: EnrolmentChangeKind;
  subLimit: string | null;
  status: ProgramChangeStatus;
  reason: string | null;
  proposedBy: string;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export function enrolmentChangeView(change: EnrolmentChange, currency: string): EnrolmentChangeView {
  return { ...change, subLimit: change.subLimit === null ? null : formatAmount(change.subLimit, currency) };
}

export interface SupplierUtilisationView {
  enrolmentId: string;
  supplierId: string;
  supplierName: string;
  subLimit: string;
  /** What the supplier has drawn: left out for the anchor (FIELD_VISIBILITY.enrolment). */
  utilised?: string;
  available?: string;
  status: EnrolmentStatus;
}

/** A program's limit usage with one page of its suppliers. */
export interface UtilisationView {
  programId: string;
  currency: string;
  limit: string;
  utilised: string;
  available: string;
  suppliers: SupplierUtilisationView[];
  offset: number;
  hasMore: boolean;
}
