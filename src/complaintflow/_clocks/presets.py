"""Regulators' complaint clocks as ready-made :class:`Regime` values, and service clocks.

Each preset cites the rule it implements, in its docstring and in every clock's ``rule``.
They are data: a host can inspect them, or build its own :class:`Regime` from
:class:`ClockRule` values instead.
"""

from __future__ import annotations

from .._values.enums import CommunicationKind, StrEnum
from .calendar import BusinessCalendar
from .regime import ClockKind, ClockRule, DayEnd, Limit, Regime, StopWhen, Unit, stop_on_any

_ACK = CommunicationKind.ACKNOWLEDGEMENT
_HOLDING = CommunicationKind.HOLDING_RESPONSE
_FINAL = CommunicationKind.FINAL_RESPONSE
_SUMMARY = CommunicationKind.SUMMARY_RESOLUTION
_REFERRAL = CommunicationKind.REFERRAL_RIGHTS
_ANY_RESPONSE = (_ACK, _HOLDING, _FINAL, _SUMMARY)


def fca_disp(calendar: BusinessCalendar, *, payment_services: bool = False,
             acknowledgement: Limit | None = None,
             next_business_day_after_close: bool = False,
             receipt_day_counts: bool = True) -> Regime:
    """UK FCA DISP complaint time limits (regime ``fca_disp``).

    - ``summary_resolution`` (DISP 1.5.1R, 1.5.4R): a complaint resolved by close of
      business on the third business day following the day on which it was received may be
      closed with a summary resolution communication; then the time limits below do not
      apply. A window, not a duty: once it passes unused it is ``not_applicable``.
    - ``final_response_8_weeks`` (DISP 1.6.2R): "by the end of eight weeks after its
      receipt of the complaint", a final response, or a holding response that also gives
      the customer their referral rights to the Financial Ombudsman Service. Not for
      payment services.
    - With ``payment_services`` (payment services and e-money complaints), instead:
      ``final_response_15_business_days`` (DISP 1.6.2AR(1)): a final response, or in
      exceptional circumstances a holding reply, within 15 business days of receipt; and
      ``final_response_35_business_days`` (DISP 1.6.2AR(2)): after a holding reply, the
      final response within 35 business days of receipt.
    - ``acknowledgement`` (DISP 1.6.1R(1), "prompt"): only when ``acknowledgement`` gives
      the limit the firm takes "prompt" to mean; off by default.

    The defaults are the safe readings, never later than the rules' words (see the clocks
    page's table of readings): the days are counted from the calendar day of receipt,
    whatever its time (``next_business_day_after_close=True`` applies DISP 1.5.3G's old
    shift instead; that guidance spoke "for the purposes of this section", DISP 1.5 only,
    and is deleted); and for the 15 and 35 business days the day of receipt counts as day
    1 when it is a business day (``receipt_day_counts=False``: the days after it, the
    reading of "after the day on which it received", which could not be checked against
    the current text of DISP 1.6.2AR). ``calendar`` should hold the bank holidays of the
    part of the UK the firm deals with the complaint in (:func:`uk_calendar` with
    ``part=``; by default only those of every part).
    """
    shift = next_business_day_after_close
    clocks = []
    if acknowledgement is not None:
        clocks.append(ClockRule(
            name="acknowledgement", rule="FCA DISP 1.6.1R(1)",
            description="A prompt written acknowledgement of the complaint.",
            limit=acknowledgement, stop_on=stop_on_any(*_ANY_RESPONSE),
            unless_met=("summary_resolution",), from_next_business_day=shift))
    clocks.append(ClockRule(
        name="summary_resolution", rule="FCA DISP 1.5.1R, 1.5.4R",
        description="Resolved by close of business on the third business day after receipt: "
                    "a summary resolution communication may close it.",
        limit=Limit(amount=3, unit=Unit.BUSINESS_DAYS, ends=DayEnd.CLOSE_OF_BUSINESS),
        stop_on=stop_on_any(_SUMMARY), optional=True, from_next_business_day=shift))
    if payment_services:
        strict = receipt_day_counts
        clocks += [
            ClockRule(
                name="final_response_15_business_days", rule="FCA DISP 1.6.2AR(1)",
                description="Payment services and e-money: a final response, or in "
                            "exceptional circumstances a holding reply, within 15 business "
                            "days of receipt.",
                limit=Limit(amount=15, unit=Unit.BUSINESS_DAYS, counts_start_day=strict),
                stop_on=stop_on_any(_FINAL, _HOLDING), unless_met=("summary_resolution",),
                from_next_business_day=shift),
            ClockRule(
                name="final_response_35_business_days", rule="FCA DISP 1.6.2AR(2)",
                description="Payment services and e-money, after a holding reply: the final "
                            "response within 35 business days of receipt.",
                limit=Limit(amount=35, unit=Unit.BUSINESS_DAYS, counts_start_day=strict),
                stop_on=stop_on_any(_FINAL), applies_after=(_HOLDING,),
                unless_met=("summary_resolution",), from_next_business_day=shift),
        ]
    else:
        clocks.append(ClockRule(
            name="final_response_8_weeks", rule="FCA DISP 1.6.2R",
            description="By the end of eight weeks after receipt: a final response, or a "
                        "holding response with the customer's referral rights.",
            limit=Limit(amount=8, unit=Unit.WEEKS),
            stop_on=(StopWhen(all_of=(_FINAL,)), StopWhen(all_of=(_HOLDING, _REFERRAL))),
            unless_met=("summary_resolution",), from_next_business_day=shift))
    return Regime(name="fca_disp", title="UK FCA DISP 1.5 and 1.6", calendar=calendar,
                  clocks=tuple(clocks))


class AsicComplaintType(StrEnum):
    """Which ASIC RG 271 maximum IDR timeframe applies."""

    STANDARD = "standard"
    """30 calendar days."""
    SUPERANNUATION = "superannuation"
    """Superannuation trustee complaints: 45 calendar days."""
    DEFAULT_NOTICE = "default_notice"
    """Complaints about a default notice: 21 calendar days."""
    HARDSHIP = "hardship"
    """Complaints about financial hardship notices or requests to postpone enforcement
    proceedings: 21 calendar days."""


_ASIC_DAYS = {AsicComplaintType.STANDARD: 30, AsicComplaintType.SUPERANNUATION: 45,
              AsicComplaintType.DEFAULT_NOTICE: 21, AsicComplaintType.HARDSHIP: 21}
_ASIC_21_DAYS = (AsicComplaintType.DEFAULT_NOTICE, AsicComplaintType.HARDSHIP)


def asic_rg271(calendar: BusinessCalendar, *,
               complaint_type: AsicComplaintType = AsicComplaintType.STANDARD,
               acknowledgement: Limit | None = None,
               written_response_requested: bool = False,
               receipt_day_counts: bool = False) -> Regime:
    """Australia, ASIC Regulatory Guide 271 *Internal dispute resolution* (regime
    ``asic_rg271``), made enforceable by ASIC Instrument 2020/98.

    - ``acknowledgement``: acknowledge the complaint "within 24 hours (or one business
      day)" of receiving it; by default 24 elapsed hours, never later than one business
      day (``acknowledgement=Limit(amount=1, unit="business_days")`` for the end of the next
      business day, which can be 39 hours or more over a weekend).
    - ``resolved_within_5_business_days``: a complaint resolved by the end of the fifth
      business day after receipt needs no written IDR response (record a
      ``summary_resolution``). A window, not a duty. Not for complaints about hardship
      (a written response is always required) nor, on the safe side, about default notices
      (the texts found do not say; both have the 21-day limit), nor when the customer asked
      for a written response (``written_response_requested``).
    - ``idr_response``: the IDR response no later than 30 calendar days after receiving
      the complaint; 45 for superannuation trustee complaints, 21 for complaints about
      default notices or about financial hardship notices or requests to postpone
      enforcement (``complaint_type``). ``receipt_day_counts=True`` counts the day of
      receipt as day 1 (one day earlier than the words "after receiving").

    Start the clocks when the complaint first reached the firm, by any channel.
    """
    kind = AsicComplaintType(complaint_type)
    days = _ASIC_DAYS[kind]
    window = kind not in _ASIC_21_DAYS and not written_response_requested
    clocks = [
        ClockRule(name="acknowledgement", rule="ASIC RG 271 (acknowledge within 24 hours or "
                                               "one business day)",
                  description="Acknowledge the complaint within 24 hours (or one business "
                              "day) of receiving it.",
                  limit=acknowledgement or Limit(amount=24, unit=Unit.HOURS),
                  stop_on=stop_on_any(*_ANY_RESPONSE)),
    ]
    if window:
        clocks.append(ClockRule(
            name="resolved_within_5_business_days",
            rule="ASIC RG 271 (complaints closed within 5 business days)",
            description="Resolved by the end of the fifth business day after receipt: no "
                        "written IDR response is needed unless the customer asks.",
            limit=Limit(amount=5, unit=Unit.BUSINESS_DAYS),
            stop_on=stop_on_any(_SUMMARY), optional=True))
    clocks.append(ClockRule(
        name="idr_response", rule=f"ASIC RG 271 (IDR response within {days} calendar days)",
        description=f"The IDR response within {days} calendar days after receipt.",
        limit=Limit(amount=days, unit=Unit.CALENDAR_DAYS, counts_start_day=receipt_day_counts),
        stop_on=stop_on_any(_FINAL),
        unless_met=("resolved_within_5_business_days",) if window else ()))
    return Regime(name="asic_rg271", title="Australia ASIC RG 271", calendar=calendar,
                  clocks=tuple(clocks))


def cfpb(calendar: BusinessCalendar, *, sent_day_counts: bool = True) -> Regime:
    """US Consumer Financial Protection Bureau complaints sent to a company (regime
    ``cfpb``), per the CFPB Company Portal Manual (§8.1, versions 2.14 and 2.16).

    - ``company_response_15_days``: a response "within 15 calendar days of the complaint
      being sent to your portal" (a ``holding_response`` is the "in progress" response; a
      ``final_response`` also stops it).
    - ``final_response_60_days``: when the first response said "in progress", the final
      response within 60 calendar days of the complaint being sent (not of the "in
      progress" response).

    Open the complaint at the time the CFPB sent it to the company, not when the CFPB
    received it. By default the day it was sent counts as day 1: the end of the 14th day
    after it, never later than the end of the 15th day after it (``sent_day_counts=False``)
    and, but for the hour a change of the clocks may add, not later than 15 times 24 hours
    from the sending. Days are those of the calendar's zone.
    """
    strict = sent_day_counts
    return Regime(name="cfpb", title="US CFPB company response", calendar=calendar, clocks=(
        ClockRule(name="company_response_15_days",
                  rule="CFPB company portal: response within 15 calendar days",
                  description="Respond within 15 calendar days (final, or 'in progress').",
                  limit=Limit(amount=15, unit=Unit.CALENDAR_DAYS, counts_start_day=strict),
                  stop_on=stop_on_any(_FINAL, _HOLDING)),
        ClockRule(name="final_response_60_days",
                  rule="CFPB company portal: final response within 60 calendar days",
                  description="After an 'in progress' response, the final response within "
                              "60 calendar days.",
                  limit=Limit(amount=60, unit=Unit.CALENDAR_DAYS, counts_start_day=strict),
                  stop_on=stop_on_any(_FINAL), applies_after=(_HOLDING,)),
    ))


def psd2(calendar: BusinessCalendar, *, next_business_day_after_close: bool = False,
         receipt_day_counts: bool = True) -> Regime:
    """EU Payment Services Directive (EU) 2015/2366, Article 101(2) (regime ``psd2``).

    - ``reply_15_business_days``: a reply "at the latest within 15 business days of
      receipt of the complaint" (a ``final_response``; in exceptional situations a
      ``holding_response`` giving the reasons for the delay and the date of the final
      reply).
    - ``final_reply_35_business_days``: after a holding reply, the final reply within 35
      business days (the customer must *receive* it by then: send it earlier).

    By default the day of receipt counts as business day 1 when it is one ("of receipt";
    ``receipt_day_counts=False`` counts the days after it, as the UK's DISP 1.6.2AR words
    it). ``calendar`` holds the member state's business days. Member states may set
    shorter limits; build a :class:`Regime` of your own for those.
    """
    shift = next_business_day_after_close
    strict = receipt_day_counts
    return Regime(name="psd2", title="EU PSD2 Article 101", calendar=calendar, clocks=(
        ClockRule(name="reply_15_business_days", rule="PSD2 Art. 101(2), first subparagraph",
                  description="Reply within 15 business days of receipt.",
                  limit=Limit(amount=15, unit=Unit.BUSINESS_DAYS, counts_start_day=strict),
                  stop_on=stop_on_any(_FINAL, _HOLDING), from_next_business_day=shift),
        ClockRule(name="final_reply_35_business_days",
                  rule="PSD2 Art. 101(2), second subparagraph",
                  description="After a holding reply, the final reply within 35 business "
                              "days of receipt.",
                  limit=Limit(amount=35, unit=Unit.BUSINESS_DAYS, counts_start_day=strict),
                  stop_on=stop_on_any(_FINAL), applies_after=(_HOLDING,),
                  from_next_business_day=shift),
    ))


def service_clocks(calendar: BusinessCalendar, *,
                   first_response: Limit | None = None,
                   next_contact_grace: Limit | None = None,
                   keep_in_loop: Limit | None = None,
                   include_next_contact: bool = True,
                   include_check_in: bool = False,
                   check_in_grace: Limit | None = None,
                   paused_by_customer_actions: bool = True) -> Regime:
    """The host's own service levels (regime ``service``), each optional.

    - ``first_response``: the first communication within this limit of receipt (for
      example ``Limit(amount=4, unit="business_hours")``).
    - ``next_contact`` (with ``include_next_contact``): the next contact (a follow-up
      contact or a communication) by the scheduled follow-up time, plus
      ``next_contact_grace`` if given.
    - ``keep_in_loop``: while following up, no longer than this without a contact or a
      communication (for example ``Limit(amount=3, unit="business_days")``).
    - ``check_in`` (with ``include_check_in``, off by default so that a host's clocks do not
      change on upgrade): the check-in after the close (``schedule_check_in``) recorded by
      its scheduled time, plus ``check_in_grace`` if given.

    With ``paused_by_customer_actions``, ``first_response`` and ``keep_in_loop`` stand
    still while an action item owned by the customer is open.
    """
    pause = paused_by_customer_actions
    clocks = []
    if first_response is not None:
        clocks.append(ClockRule(
            name="first_response", rule="service level: first response",
            description="The first communication to the customer.", limit=first_response,
            stop_on=stop_on_any(*CommunicationKind), paused_by_customer_actions=pause))
    if include_next_contact:
        clocks.append(ClockRule(
            name="next_contact", rule="service level: next contact as scheduled",
            description="The next contact by the scheduled follow-up time.",
            kind=ClockKind.NEXT_CONTACT, limit=next_contact_grace))
    if keep_in_loop is not None:
        clocks.append(ClockRule(
            name="keep_in_loop", rule="service level: keep the customer in the loop",
            description="While following up, no longer than the limit without a contact.",
            kind=ClockKind.KEEP_IN_LOOP, limit=keep_in_loop, paused_by_customer_actions=pause))
    if include_check_in:
        clocks.append(ClockRule(
            name="check_in", rule="Evenson step 4: follow up after the close",
            description="The check-in after the close by its scheduled time.",
            kind=ClockKind.CHECK_IN, limit=check_in_grace))
    return Regime(name="service", title="Service levels", calendar=calendar,
                  clocks=tuple(clocks))
