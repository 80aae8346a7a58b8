"""The pension personal account (个人账户): credits from paid months, interest once a year by
the monthly-product method (月积数法, DOMAIN.md §2.2), and the statement that explains the
balance line by line.

Invariants: a paid month is credited once (constraint ``account_entry_once_per_month``);
interest is credited once per person and year (``account_interest_once_per_year``), and never
for a year while an earlier year of the account still lacks its interest. Debits (transfer
out, payout) are stored as negative amounts, so a balance is a plain sum of the entries.

One source of truth: every figure of an account — the home page's, the account page's, the
API's and later the annual statement's — is read through :func:`account_summary` (the years)
or :func:`account_statement` (one year's lines), both sums of the same entries. History from
before the monthly ledger reaches the account as ledger months (``contributions.history``), so
it is credited by the same code as a month paid today. The calculator endpoint and the account
use :func:`interest_quote`, so they cannot disagree.

The parts: ``crediting`` (paid months), ``interest`` (the quote, one person's year, the
year-end job), ``transfers``, ``summaries`` (the years; visibility), ``statements`` (one year's
lines), ``balance`` (the balance at a month), ``payouts`` (a retiree's account pension drawn
month by month), ``corrections`` (a missing month restored, interest recomputed); ``common`` holds ``ZERO``.
"""

from shebao.contributions.accounts.balance import AccountAtMonth, account_balance_at
from shebao.contributions.accounts.common import ZERO
from shebao.contributions.accounts.corrections import account_interest_recompute, contribution_month_restore
from shebao.contributions.accounts.crediting import account_credit_month, account_credit_paid, account_credit_rows
from shebao.contributions.accounts.interest import (
    ACCOUNT_INTEREST,
    _balance_before,
    _monthly_credits,
    account_interest_credit,
    account_interest_range,
    interest_quote,
)
from shebao.contributions.accounts.payouts import PayoutDue, account_payout_months
from shebao.contributions.accounts.statements import (
    AccountStatement,
    StatementLine,
    account_lines_of_persons,
    account_statement,
)
from shebao.contributions.accounts.summaries import AccountSummary, AccountYear, account_summaries, account_summary
from shebao.contributions.accounts.transfers import account_transfer_record

__all__ = [
    "ACCOUNT_INTEREST",
    "ZERO",
    "AccountAtMonth",
    "AccountStatement",
    "AccountSummary",
    "AccountYear",
    "PayoutDue",
    "StatementLine",
    "_balance_before",
    "_monthly_credits",
    "account_balance_at",
    "account_credit_month",
    "account_credit_paid",
    "account_credit_rows",
    "account_interest_credit",
    "account_interest_range",
    "account_interest_recompute",
    "account_lines_of_persons",
    "account_payout_months",
    "account_statement",
    "account_summaries",
    "account_summary",
    "account_transfer_record",
    "contribution_month_restore",
    "interest_quote",
]
