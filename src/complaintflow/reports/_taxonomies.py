"""Shipped taxonomies, transcribed from what could be sourced, and labelled as such."""

from __future__ import annotations

from .._values.taxonomy import Category, Taxonomy

_BANKING = "Banking and credit cards"
_HOME = "Home finance"
_INSURANCE = "Insurance and pure protection"
_PENSIONS = "Decumulation and pensions"
_INVESTMENTS = "Investments"

FCA_DISP1_ANNEX1 = Taxonomy(
    name="FCA DISP 1 Annex 1R (fallback)",
    version="2016-06-30",
    source=(
        "The product groups of the current FCA complaints return, DISP 1 Annex 1R (form "
        "from 30 June 2016), as firms publish their complaints data (e.g. "
        "https://www.cumberland.co.uk/complaints/data) and as the FCA's aggregate data "
        "groups it (https://www.fca.org.uk/data/complaints-data/aggregate-complaints-data/"
        "technical-information), with the products those texts name. The cause groups are "
        "those of published tables (\"General admin/customer service\", \"Unsuitable "
        "advice\"); the full cause column list could not be retrieved, and the group names "
        "beyond those two are unverified. NOT the PS25/19 consolidated-return taxonomy "
        "(PS25/19 pp. 33-40), which could not be retrieved: transcribe it as a Taxonomy of "
        "your own when you have it."),
    products=[
        Category("current_account", "Current accounts", group=_BANKING),
        Category("credit_card", "Credit cards", group=_BANKING),
        Category("other_banking", "Other banking products", group=_BANKING),
        Category("mortgage", "Mortgages", group=_HOME),
        Category("equity_release", "Equity release", group=_HOME),
        Category("ppi", "Payment protection insurance", group=_INSURANCE),
        Category("motor_and_transport", "Motor and transport insurance", group=_INSURANCE),
        Category("other_general_insurance", "Other general insurance", group=_INSURANCE),
        Category("pure_protection", "Pure protection", group=_INSURANCE),
        Category("trust_based_pension", "Trust-based pensions", group=_PENSIONS),
        Category("other_pension", "Other pensions and decumulation", group=_PENSIONS),
        Category("investments", "Investments", group=_INVESTMENTS),
    ],
    causes=[
        Category("advising_selling_arranging", "Advising, selling and arranging",
                 group="unverified"),
        Category("unsuitable_advice", "Unsuitable advice",
                 group="Advising, selling and arranging"),
        Category("terms_and_disputed_sums", "Terms and disputed sums or charges",
                 group="unverified"),
        Category("general_admin_customer_service", "General admin and customer service"),
        Category("other_general_admin", "Other general admin and customer service"),
        Category("arrears", "Arrears related", group="unverified"),
        Category("other", "Other", group="unverified"),
    ],
)
"""A fallback taxonomy for the FCA return: the current return's product groups, with the
products and causes the sourced texts name (see its ``source``). The PS25/19 categories
could not be retrieved; bring your own :class:`~complaintflow.Taxonomy` for them."""
