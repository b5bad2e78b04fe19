"""Birthdays and holidays (marketing: planned only with the client's consent).

- ``birthday_greetings``: a card 3 days before the birthday and a message on the day
  (consent ``greetings``), and the birthday-month offer on the first of the month (consent
  ``marketing_email``);
- ``holiday_greetings``: Spring Festival, New Year, Mother's Day, Mid-Autumn Festival and the
  public holidays of the tenant's country (``holidays`` package), consent ``greetings``.

The coming twelve months are planned when the client registers, grants a consent, has a
service or the workers' yearly ``PlanningDue`` arrives (keys carry the date, so planning
again never duplicates). A withdrawal cancels
whatever is still queued at once (core), and an "opted out" call outcome withdraws these
consents.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import holidays

from salonkeep.core.plugins.api import (
    ClientRegistered,
    ConsentGranted,
    DomainEvent,
    Plan,
    Planned,
    PlannedMessage,
    PlanningDue,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

BIRTHDAY = "birthday_greetings"
HOLIDAY = "holiday_greetings"
PROGRAMMES = [
    Programme(
        name=BIRTHDAY,
        title="Birthday greetings and offer",
        description="A card before the birthday, a message on the day, a birthday-month offer.",
        settings=(
            Setting("days_before", "int", 3, "Days before the birthday for the card.", 1, 14),
            Setting(
                "offer",
                "text",
                "A birthday treat: 20% off one treatment this month.",
                "The birthday-month offer.",
            ),
        ),
        marketing_purposes=("greetings", "marketing_email"),
    ),
    Programme(
        name=HOLIDAY,
        title="Holiday greetings",
        description="Spring Festival, New Year, Mother's Day, Mid-Autumn and the country's holidays.",
        settings=(Setting("country_holidays", "bool", True, "Also greet on the country's public holidays."),),
        marketing_purposes=("greetings",),
    ),
]
TRIGGERS = (ClientRegistered, ConsentGranted, ServicePerformed, PlanningDue)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The birthday and holiday programmes."""
    return PROGRAMMES


def _birthday_in(year: int, born: date) -> date:
    last = calendar.monthrange(year, born.month)[1]
    return date(year, born.month, min(born.day, last))  # 29 February → 28 in common years


def _birthdays(plan: Plan) -> list[Planned]:
    born = plan.client.date_of_birth
    if born is None:
        return []
    settings = plan.settings(BIRTHDAY)
    today = plan.today()
    birthday = _birthday_in(today.year, born)
    if birthday < today:
        birthday = _birthday_in(today.year + 1, born)
    name = plan.client.first_name
    first_of_month = birthday.replace(day=1)
    offer_day = max(first_of_month, today)
    items: list[tuple[str, date, str, str, str, dict[str, str]]] = [
        (
            "card",
            birthday - timedelta(days=int(settings["days_before"])),
            "Birthday card",
            f"Dear {name}, your birthday is coming: warm wishes from all of us!",
            "greetings",
            {},
        ),
        ("day", birthday, "Happy birthday", f"Happy birthday, {name}!", "greetings", {}),
        (
            "offer",
            offer_day,
            "Birthday-month offer",
            f"{name}, {settings['offer']}",
            "marketing_email",
            {"offer": str(settings["offer"])},
        ),
    ]
    planned: list[Planned] = []
    for label, day, title, body, purpose, values in items:
        due = plan.at(day, BIRTHDAY)
        if due < plan.now and label != "offer":
            continue
        planned.append(
            PlannedMessage(
                programme=BIRTHDAY,
                key=f"birthday:{birthday.year}:{label}",
                due_at=max(due, plan.now),
                title=title,
                body=body,
                purpose=purpose,
                # The card is printed and posted by staff (a task on the call list).
                channel="letter" if label == "card" else None,
                template=f"{BIRTHDAY}/{label}",
                template_vars=values,
            )
        )
    return planned


def holiday_dates(country: str, start: date, end: date, with_country: bool) -> dict[date, list[str]]:
    """Greeting days between ``start`` and ``end`` (inclusive) with their names."""
    years = range(start.year, end.year + 1)
    found: dict[date, list[str]] = {}

    def add(day: date, name: str) -> None:
        if start <= day <= end and name not in found.setdefault(day, []):
            found[day].append(name)

    chinese = holidays.country_holidays("CN", years=years)
    for year in years:
        add(date(year, 1, 1), "New Year")
        spring = sorted(d for d, n in chinese.items() if d.year == year and "Spring Festival" in n)
        if spring:
            add(spring[0], "Spring Festival")
        autumn = sorted(d for d, n in chinese.items() if d.year == year and "Mid-Autumn" in n)
        if autumn:
            add(autumn[0], "Mid-Autumn Festival")
        may_first = date(year, 5, 1)
        add(may_first + timedelta(days=(6 - may_first.weekday()) % 7 + 7), "Mother's Day")
    if with_country:
        for day, name in holidays.country_holidays(country, years=years).items():
            if "observed" not in name.lower() and "new year's day" not in name.lower():
                add(day, name)
    return found


def _holidays(plan: Plan) -> list[Planned]:
    today = plan.today()
    settings = plan.settings(HOLIDAY)
    days = holiday_dates(plan.country, today, today + timedelta(days=365), bool(settings["country_holidays"]))
    planned: list[Planned] = []
    for day, names in sorted(days.items()):
        due = plan.at(day, HOLIDAY)
        if due < plan.now:
            continue
        title = " / ".join(names)
        planned.append(
            PlannedMessage(
                programme=HOLIDAY,
                key=f"holiday:{day.isoformat()}",
                due_at=due,
                title=title,
                body=f"Dear {plan.client.first_name}, warm wishes for {title} from all of us!",
                purpose="greetings",
                template=f"{HOLIDAY}/holiday",
                template_vars={"holiday": title},
            )
        )
    return planned


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the coming year's greetings (the host keeps only what the client consented to)."""
    if not isinstance(event, TRIGGERS):
        return []
    planned: list[Planned] = []
    if plan.enabled(BIRTHDAY):
        planned += _birthdays(plan)
    if plan.enabled(HOLIDAY):
        planned += _holidays(plan)
    return planned
