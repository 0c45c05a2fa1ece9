"""The office's data in, scores and classifications out: the bridge between the tables and the
framework-free rules (`scoring`, `classification`, `quota`, `rules/`)."""
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import delete, insert, select

from services.evaluation import classification, outcomes, periods, scoring
from services.evaluation.models import (DRAFT, PUBLISHED, Classification, ClassificationEntry,
                                        ClosedPeriod, DisciplineRecord, GeneralCriteria,
                                        HistoryLevel, UnitRating)
from services.evaluation.rules import HTTNV, HTXSNV, LEVELS, YearInput, r2
from services.evaluation.staff import Directory
from shared.errors import Conflict, InvalidInput, NotFound

GENERAL_SOURCE = "tiêu chí chung tối đa {max} điểm (Nghị định 335/2025/NĐ-CP)"


# --- general criteria and closing periods

def set_general_criteria(session, office, evaluator, period_code, entries, settings):
    """Record the evaluator's general-criteria points (`entries` as `GeneralEntrySchema` loads
    them); every entry is checked against the office's maximum before any is written."""
    period = periods.parse(period_code, allow_year=True)
    general = settings["general_criteria"]
    maximum = general["max"]
    parts = general.get("parts") or {}
    problems = {}
    clean = []
    seen = set()
    for index, entry in enumerate(entries):
        where = f"entries[{index}]"
        staff_id = entry["staff_id"]
        if staff_id in seen:
            problems[f"{where}.staff_id"] = [f"{staff_id} is given twice"]
        seen.add(staff_id)
        criteria = entry.get("criteria") or {}
        points = entry.get("points")
        for name, value in criteria.items():
            if name not in parts:
                problems[f"{where}.criteria.{name}"] = [f"unknown criterion; known: {', '.join(parts)}"]
            elif not _number(value) or not 0 <= value <= parts[name]:
                problems[f"{where}.criteria.{name}"] = [
                    f"{value!r} is out of range: {name} is 0 to {parts[name]} points"]
        if points is None and criteria:
            points = sum(v for v in criteria.values() if _number(v))
        if not _number(points) or not 0 <= points <= maximum:
            problems[f"{where}.points"] = [f"{points!r} is out of range: "
                                           + GENERAL_SOURCE.format(max=maximum)]
        elif criteria and abs(sum(criteria.values()) - points) > 0.005:
            problems[f"{where}.points"] = [f"{points} is not the sum of the criteria "
                                           f"({sum(criteria.values())})"]
        clean.append((staff_id, points, criteria, entry.get("comment")))
    if not entries:
        problems["entries"] = ["give at least one entry"]
    if problems:
        raise InvalidInput("general criteria are not valid", problems)
    now = datetime.now(timezone.utc)
    saved = []
    for staff_id, points, criteria, comment in clean:
        row = session.execute(select(GeneralCriteria).where(
            GeneralCriteria.office == office, GeneralCriteria.staff_id == staff_id,
            GeneralCriteria.period == period.code)).scalar_one_or_none()
        if row is None:
            row = GeneralCriteria(office=office, staff_id=staff_id, period=period.code)
            session.add(row)
        row.points, row.criteria, row.comment = float(points), dict(criteria), comment
        row.evaluator, row.updated_at = evaluator, now
        saved.append(row)
    session.flush()
    return saved


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def close_period(session, office, period_code, actor):
    period = periods.parse(period_code)
    existing = {r.period for r in session.execute(select(ClosedPeriod).where(
        ClosedPeriod.office == office)).scalars()}
    for month in period.months():
        if month not in existing:
            session.add(ClosedPeriod(office=office, period=month, closed_by=actor,
                                     closed_at=datetime.now(timezone.utc)))
    session.flush()
    return period


def closed_early(session, office):
    return {r.period for r in session.execute(select(ClosedPeriod).where(
        ClosedPeriod.office == office)).scalars()}


# --- scoring periods

class OfficeData:
    """Everything scoring needs about one office for some periods, loaded in a few queries."""

    def __init__(self, session, office, period_list, settings):
        self.office = office
        self.periods = list(period_list)
        self.directory = Directory(session, office)
        weights = outcomes.type_weights(session, office, settings.get("task_type_weights"))
        months = sorted({m for p in self.periods for m in p.months()})
        self.products = defaultdict(lambda: defaultdict(list))     # month → staff → [Product]
        self.task_units = {}
        for month, row in outcomes.product_rows(session, office, months, settings["period_basis"]):
            self.products[month][row.assignee].append(outcomes.to_product(row, weights))
            self.task_units.setdefault(row.assignee, row.unit_code)
        codes = {p.code for p in self.periods} | {str(p.year) for p in self.periods}
        self.general = {}
        for row in session.execute(select(GeneralCriteria).where(
                GeneralCriteria.office == office, GeneralCriteria.period.in_(codes))).scalars():
            self.general[(row.staff_id, row.period)] = row

    def general_points(self, staff_id, period):
        row = self.general.get((staff_id, period.code)) or self.general.get((staff_id, str(period.year)))
        return None if row is None else r2(row.points)

    def products_in(self, period):
        found = defaultdict(list)
        for month in period.months():
            for staff_id, items in self.products.get(month, {}).items():
                found[staff_id].extend(items)
        return found

    def score(self, rules, rule_settings, period, products=None):
        products = self.products_in(period) if products is None else products
        extra = {s: self.task_units.get(s) for s in products}
        members = self.directory.members_in(period.start, period.end, extra)
        general = {}
        for staff_id in members:
            points = self.general_points(staff_id, period)
            if points is not None:
                general[staff_id] = points
        return scoring.score_period(rules, rule_settings, list(members.values()), products,
                                    general, self.directory.units)


def period_scores(session, office, period_code, rules, rule_settings, settings, today):
    period = periods.parse(period_code)
    periods.require_closed(period, today, closed_early(session, office))
    data = OfficeData(session, office, [period], settings)
    results = data.score(rules, rule_settings, period)
    rows = [r.as_dict() for r in results.values() if r.score is not None]
    rows.sort(key=lambda r: (r["unit_code"] or "", not r["is_leader"], r["staff_id"]))
    return {"period": period.code, "office": office, "rule_set": rules.name,
            "start": period.start.isoformat(), "end": period.end.isoformat(), "staff": rows}


# --- the year

def year_inputs(session, office, year, rules, rule_settings, settings, today):
    kind = settings["period_kind"]
    early = closed_early(session, office)
    closed = [p for p in periods.year_periods(year, kind) if periods.is_closed(p, today, early)]
    if not closed:
        raise InvalidInput(f"no closed period in {year}",
                           {"year": [f"a year is classified from closed periods; none of {year} "
                                     "has ended or been closed with close_period"]})
    data = OfficeData(session, office, closed, settings)
    per_staff = defaultdict(dict)
    products = defaultdict(list)
    for period in closed:
        in_period = data.products_in(period)
        for staff_id, result in data.score(rules, rule_settings, period, in_period).items():
            if result.score is not None:
                per_staff[staff_id][period.code] = result
                products[staff_id].extend(in_period.get(staff_id, ()))
    discipline = defaultdict(list)
    degraded = set()
    for record in session.execute(select(DisciplineRecord).where(
            DisciplineRecord.office == office, DisciplineRecord.year == year)).scalars():
        if record.kind == "degradation":
            degraded.add(record.staff_id)
        else:
            discipline[record.staff_id].append(record.form)
    start, end = closed[0].start, closed[-1].end
    staff_ids = set(per_staff) | {s for s in data.directory.assignments
                                  if data.directory.assignment_in(s, start, end)}
    people = []
    for staff_id in sorted(staff_ids):
        assignment = data.directory.assignment_at_end(staff_id, start, end)
        member = data.directory.member(staff_id, assignment, data.task_units.get(staff_id))
        year_general = data.general.get((staff_id, str(year)))
        if year_general is not None:
            general = r2(year_general.points)
        else:
            entries = [data.general[(staff_id, p.code)].points for p in closed
                       if (staff_id, p.code) in data.general]
            general = r2(sum(entries) / len(entries)) if entries else None
        periods_scored = {code: result.score for code, result in per_staff[staff_id].items()}
        person = YearInput(staff_id, periods_scored, products[staff_id], general,
                           discipline.get(staff_id, []), staff_id in degraded)
        people.append((classification.Person(member, person), per_staff[staff_id]))
    return closed, data, people


def classify_year(session, office, year, actor, rules, rule_settings, settings, today):
    existing = session.execute(select(Classification).where(
        Classification.office == office, Classification.year == year)).scalar_one_or_none()
    if existing is not None and existing.status == PUBLISHED:
        raise Conflict(f"the classification of {year} is published",
                       {"year": [f"published on {existing.published_at:%Y-%m-%d} by "
                                 f"{existing.published_by}; it can no longer be recomputed"]})
    closed, data, people = year_inputs(session, office, year, rules, rule_settings, settings, today)
    ratings = {r.unit_code: r.level for r in session.execute(select(UnitRating).where(
        UnitRating.office == office, UnitRating.year == year)).scalars()}
    result = classification.classify(rules, rule_settings, [p for p, _ in people],
                                     data.directory.units, ratings, office, settings["quota"])
    period_details = {p.member.staff_id: details for p, details in people}
    if existing is None:
        existing = Classification(office=office, year=year)
        session.add(existing)
    else:
        session.execute(delete(ClassificationEntry).where(
            ClassificationEntry.classification_id == existing.id))
    existing.rule_set = rules.name
    existing.status = DRAFT
    existing.periods = [p.code for p in closed]
    existing.units = result.units
    existing.quota = result.quota
    existing.settings = {"rules": _jsonable(rule_settings), "evaluation": _jsonable(settings)}
    existing.office_excellent = result.office_excellent
    existing.created_by = actor
    existing.created_at = datetime.now(timezone.utc)
    existing.published_by = existing.published_at = None
    session.flush()
    rows = []
    for entry in result.entries:
        details = dict(entry.details)
        details["periods"] = {code: _period_detail(r) for code, r in
                              sorted(period_details[entry.staff_id].items())}
        rows.append({
            "classification_id": existing.id, "office": office, "staff_id": entry.staff_id,
            "full_name": entry.full_name, "unit_code": entry.unit_code,
            "task_group": entry.task_group, "is_leader": entry.is_leader,
            "score": _f(entry.score), "task_points": _f(entry.task_points),
            "general_points": _f(entry.general_points),
            "provisional_level": entry.provisional_level, "level": entry.level,
            "council_pending": entry.council_pending, "quota_position": entry.quota_position,
            "reasons": entry.reasons, "adjustments": entry.adjustments, "details": details})
    if rows:
        session.execute(insert(ClassificationEntry), rows)
    session.flush()
    return existing


def _period_detail(result):
    score = result.score
    return {"quantity_pct": float(score.quantity_pct), "quality_pct": float(score.quality_pct),
            "progress_pct": float(score.progress_pct),
            "own_task_points": float(score.own_task_points),
            "task_points": float(score.task_points),
            "general_points": _f(result.general_points),
            "unit_code": result.member.unit_code,
            "tasks": [p.task_id for p in score.products], "notes": list(score.notes)}


def get_classification(session, office, year):
    found = session.execute(select(Classification).where(
        Classification.office == office, Classification.year == year)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no classification of {year}",
                       {"year": [f"run classify_year for {year} first"]})
    return found


def entries_of(session, classification_id):
    return session.execute(select(ClassificationEntry).where(
        ClassificationEntry.classification_id == classification_id)
        .order_by(ClassificationEntry.unit_code, ClassificationEntry.staff_id)).scalars().all()


def publish_blockers(entries):
    problems = {}
    for entry in entries:
        if entry.council_pending:
            problems[entry.staff_id] = ["tied at the HTXSNV quota cut: the council decides first "
                                        "(decide_tie)"]
        elif entry.level is None and entry.details.get("periods"):
            problems[entry.staff_id] = ["general criteria not entered (set_general_criteria)"]
    return problems


def publish(session, office, year, actor):
    """Publish the year's classification (who may: `permissions.RULES`)."""
    found = get_classification(session, office, year)
    if found.status == PUBLISHED:
        raise Conflict(f"the classification of {year} is already published",
                       {"year": [f"published on {found.published_at:%Y-%m-%d}"]})
    entries = entries_of(session, found.id)
    problems = publish_blockers(entries)
    if problems:
        raise Conflict(f"the classification of {year} cannot be published yet", problems)
    found.status = PUBLISHED
    found.published_by = actor
    found.published_at = datetime.now(timezone.utc)
    session.flush()
    return found, entries


def tied_with(session, office, year, staff_id):
    """The others tied with `staff_id` for the same council places (its task group's tie)."""
    found = session.execute(select(Classification).where(
        Classification.office == office, Classification.year == year)).scalar_one_or_none()
    if found is None:
        return []
    entries = entries_of(session, found.id)
    tied = [e for e in entries if e.council_pending
            or any(a.get("rule") == "quota_council" for a in e.adjustments)]
    target = next((e for e in tied if e.staff_id == staff_id), None)
    if target is None:
        return []
    return [e.staff_id for e in tied if e.task_group == target.task_group and e is not target]


def decide_tie(session, office, year, staff_id, level, reason, actor):
    """The council's decision for one person tied at the quota cut."""
    found = get_classification(session, office, year)
    if found.status == PUBLISHED:
        raise Conflict(f"the classification of {year} is published", {"year": ["published"]})
    entries = entries_of(session, found.id)
    target = next((e for e in entries if e.staff_id == staff_id), None)
    if target is None or not target.council_pending:
        raise Conflict(f"{staff_id} is not waiting for a council decision",
                       {"staff_id": ["only people tied at the quota cut go to the council"]})
    if level not in (HTXSNV, HTTNV):
        raise InvalidInput("the council chooses between HTXSNV and HTTNV",
                           {"level": [f"got {level!r}"]})
    if not reason or not str(reason).strip():
        raise InvalidInput("a council decision needs a reason", {"reason": ["required"]})
    group = next(q for q in found.quota if q["group"] == target.task_group)
    if level == HTXSNV:
        taken = sum(1 for e in entries if e.task_group == target.task_group
                    and e.staff_id != staff_id and e.level == HTXSNV and not e.council_pending
                    and any(a.get("rule") == "quota_council" for a in e.adjustments))
        if taken >= group["places_for_council"]:
            raise Conflict("no HTXSNV place left for the council",
                           {"level": [f"the quota leaves {group['places_for_council']} place(s) "
                                      f"to the tied candidates of group {target.task_group}, all taken"]})
    target.level = level
    target.council_pending = False
    target.adjustments = list(target.adjustments) + [{
        "rule": "quota_council", "from": HTXSNV, "to": level,
        "text": f"Hội đồng quyết định ({actor}): {reason}"}]
    session.flush()
    return target


def rate_unit(session, office, year, unit_code, level, reason, actor):
    if level not in LEVELS:
        raise InvalidInput("unknown level", {"level": [f"got {level!r}; one of {', '.join(LEVELS)}"]})
    row = session.execute(select(UnitRating).where(
        UnitRating.office == office, UnitRating.year == year,
        UnitRating.unit_code == unit_code)).scalar_one_or_none()
    if row is None:
        row = UnitRating(office=office, year=year, unit_code=unit_code)
        session.add(row)
    row.level, row.reason, row.rated_by = level, reason, actor
    session.flush()
    return row


def past_levels(session, office, staff_ids, years):
    """{staff_id: {year: level}} from published classifications, else imported history."""
    levels = defaultdict(dict)
    for row in session.execute(select(HistoryLevel).where(
            HistoryLevel.office == office, HistoryLevel.year.in_(list(years)))).scalars():
        levels[row.staff_id][row.year] = row.level
    published = session.execute(select(Classification).where(
        Classification.office == office, Classification.year.in_(list(years)),
        Classification.status == PUBLISHED)).scalars().all()
    for found in published:
        for entry in entries_of(session, found.id):
            if entry.level:
                levels[entry.staff_id][found.year] = entry.level
    return levels


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def _f(value):
    return None if value is None else float(value)
