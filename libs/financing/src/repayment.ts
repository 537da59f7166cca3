import { Decimal } from '@scf/core';

/** What a financed receivable still owes, by claim. */
export interface AmountsDue {
  /** Penalty booked and neither paid nor waived: the bank's. */
  penalty: Decimal.Value;
  /** Advance not yet repaid: the bank's. */
  principal: Decimal.Value;
  /** Reserve F − A not yet passed on: the supplier's. */
  reserve: Decimal.Value;
}

export interface RepaymentAllocation {
  penaltyPaid: Decimal;
  principalPaid: Decimal;
  reserveReleased: Decimal;
  /** Paid beyond everything owed: owed back to the payer (the anchor), never kept or lost. */
  excess: Decimal;
}

/**
 * The anchor's payment pays penalty first, then the advance, then the reserve, then the rest is
 * excess. Penalty before principal: interest is settled before capital, so an open advance keeps
 * bearing penalty until the bank is whole and a partial payment can't leave an unpaid penalty
 * behind a closed financing; the bank before the supplier, because the supplier sold the
 * receivable and its reserve is only what is left of the anchor's payment after the bank.
 */
export function allocateRepayment(amount: Decimal.Value, due: AmountsDue): RepaymentAllocation {
  let rest = new Decimal(amount);
  const take = (owed: Decimal.Value) => {
    const paid = Decimal.min(rest, owed);
    rest = rest.minus(paid);
    return paid;
  };
  const penaltyPaid = take(due.penalty);
  const principalPaid = take(due.principal);
  const reserveReleased = take(due.reserve);
  return { penaltyPaid, principalPaid, reserveReleased, excess: rest };
}
