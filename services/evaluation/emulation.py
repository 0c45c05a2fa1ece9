"""Emulation records and the title workflow: registrations, initiatives, discipline,
proposals (from the published classification), council ballots, awards.

The criteria themselves are in the emulation rule set (`rules/emulation_2022.py`).
"""
import math
from collections import defaultdict
from datetime import date
from fractions import Fraction

from sqlalchemy import delete, select

from services.evaluation import assessment
from services.evaluation.models import (PUBLISHED, Award, DisciplineRecord, HistoryLevel,
                                        Initiative, Registration, TitleProposal)
from services.evaluation.rules import DISCIPLINE_FORMS, LEVELS
from services.evaluation.rules.emulation_2022 import (COLLECTIVE_TITLES, CSTDCS, DECREE,
                                                      INDIVIDUAL_TITLES, INITIATIVE_LEVELS, LAW,
                                                      LDTT, TITLE_NAMES, TT_LDTT, TT_LDXS,
                                                      Collective, Individual)
from services.evaluation.staff import Directory
from shared.errors import Conflict, InvalidInput, NotFound

BALLOT_RULE = ("{title}: cần từ {threshold:g} % tổng số thành viên Hội đồng đồng ý (kể cả thành "
               "viên vắng mặt lấy ý kiến bằng văn bản), Nghị định 98/2023/NĐ-CP Điều 30.7")
DISCIPLINE_RULE = (f"không xét tặng danh hiệu thi đua cho cá nhân bị kỷ luật trong năm ({LAW}; "
                   f"{DECREE})")


# --- registrations, initiatives, discipline

def register(session, office, year, entries, registered_on, settings):
    deadline = date.fromisoformat(f"{year}-{settings.get('registration_deadline', '03-31')}")
    if registered_on > deadline or registered_on.year != year:
        raise InvalidInput("emulation registrations are made at the start of the year", {
            "registered_on": [f"{registered_on.isoformat()} is after {deadline.isoformat()}, the "
                              "registration deadline (EVALUATION.emulation.registration_deadline)"]})
    problems, clean = {}, []
    for index, entry in enumerate(entries):
        where = f"entries[{index}]"
        staff, unit = entry.get("staff_id"), entry.get("unit_code")
        if bool(staff) == bool(unit):
            problems[where] = ["give staff_id or unit_code, not both"]
            continue
        allowed = INDIVIDUAL_TITLES if staff else COLLECTIVE_TITLES
        titles = list(entry.get("titles") or [LDTT if staff else COLLECTIVE_TITLES[0]])
        wrong = [t for t in titles if t not in allowed]
        if wrong:
            problems[f"{where}.titles"] = [f"{', '.join(wrong)}: not a title for "
                                           f"{'a person' if staff else 'a unit'}; one of "
                                           f"{', '.join(allowed)}"]
            continue
        clean.append(("staff" if staff else "unit", staff or unit, titles))
    if not entries:
        problems["entries"] = ["give at least one registration"]
    if problems:
        raise InvalidInput("registrations are not valid", problems)
    for subject_type, subject, titles in clean:
        row = session.execute(select(Registration).where(
            Registration.office == office, Registration.year == year,
            Registration.subject_type == subject_type, Registration.subject == subject)).scalar_one_or_none()
        if row is None:
            row = Registration(office=office, year=year, subject_type=subject_type, subject=subject)
            session.add(row)
        row.titles, row.registered_on = titles, registered_on
    session.flush()
    return len(clean)


def record_discipline(session, office, given, actor):
    if given["kind"] == "discipline" and given.get("form") not in DISCIPLINE_FORMS:
        raise InvalidInput("unknown discipline form",
                           {"form": [f"got {given.get('form')!r}; one of {', '.join(DISCIPLINE_FORMS)}"]})
    row = DisciplineRecord(office=office, staff_id=given["staff_id"],
                           year=given.get("year") or given["decided_on"].year, kind=given["kind"],
                           form=given.get("form") if given["kind"] == "discipline" else None,
                           decided_on=given["decided_on"],
                           decision_number=given.get("decision_number"),
                           reason=given.get("reason"), recorded_by=actor)
    session.add(row)
    session.flush()
    return row


def record_initiative(session, office, given, actor):
    if given.get("level") is not None and given["level"] not in INITIATIVE_LEVELS:
        raise InvalidInput("unknown recognition level",
                           {"level": [f"one of {', '.join(INITIATIVE_LEVELS)}"]})
    row = Initiative(office=office, year=given["year"], title=given["title"], kind=given["kind"],
                     authors=list(given["authors"]), level=given.get("level"),
                     province_wide=given.get("province_wide", False),
                     recognised_on=given.get("recognised_on"),
                     decision_number=given.get("decision_number"), recorded_by=actor)
    session.add(row)
    session.flush()
    return row


def initiative(session, office, initiative_id):
    """The office's initiative; another office's answers like one that does not exist."""
    row = session.get(Initiative, initiative_id)
    if row is None or row.office != office:
        raise NotFound(f"no initiative {initiative_id}", {"initiative_id": ["not found"]})
    return row


def recognise_initiative(session, row, given):
    if given["level"] not in INITIATIVE_LEVELS:
        raise InvalidInput("unknown recognition level",
                           {"level": [f"got {given['level']!r}; one of {', '.join(INITIATIVE_LEVELS)}"]})
    row.level = given["level"]
    row.province_wide = given.get("province_wide", row.province_wide)
    row.recognised_on = given.get("recognised_on") or row.recognised_on
    row.decision_number = given.get("decision_number") or row.decision_number
    session.flush()
    return row


def import_history(session, office, year, levels, titles, actor):
    """Levels and titles from before this system, for rules that look back (3 × CSTĐCS, 2 × HTXSNV)."""
    problems = {}
    for index, item in enumerate(levels):
        if item.get("level") not in LEVELS or not item.get("staff_id"):
            problems[f"levels[{index}]"] = [f"staff_id and a level ({', '.join(LEVELS)})"]
    for index, item in enumerate(titles):
        if item.get("title") not in TITLE_NAMES or not item.get("subject"):
            problems[f"titles[{index}]"] = [f"subject and a title ({', '.join(TITLE_NAMES)})"]
    if problems:
        raise InvalidInput("history is not valid", problems)
    for item in levels:
        row = session.execute(select(HistoryLevel).where(
            HistoryLevel.office == office, HistoryLevel.year == year,
            HistoryLevel.staff_id == item["staff_id"])).scalar_one_or_none()
        if row is None:
            row = HistoryLevel(office=office, year=year, staff_id=item["staff_id"])
            session.add(row)
        row.level = item["level"]
    for item in titles:
        exists = session.execute(select(Award.id).where(
            Award.office == office, Award.year == year, Award.title == item["title"],
            Award.subject == item["subject"])).first()
        if not exists:
            session.add(Award(office=office, year=year, title=item["title"],
                              subject_type="unit" if item["title"] in COLLECTIVE_TITLES else "staff",
                              subject=item["subject"], name=item.get("name") or item["subject"],
                              source="imported", decision_number=item.get("decision_number"),
                              awarded_on=date(year, 12, 31), awarded_by=actor))
    session.flush()
    return {"levels": len(levels), "titles": len(titles)}


# --- proposals, ballots, awards

def _published(session, office, year):
    found = assessment.get_classification(session, office, year)
    if found.status != PUBLISHED:
        raise Conflict(f"the classification of {year} is not published",
                       {"year": ["titles are proposed from the published classification "
                                 "(publish_classification)"]})
    return found


def _discipline(session, office, year):
    found = defaultdict(list)
    for row in session.execute(select(DisciplineRecord).where(
            DisciplineRecord.office == office, DisciplineRecord.year == year,
            DisciplineRecord.kind == "discipline")).scalars():
        found[row.staff_id].append(row.form)
    return found


def propose_titles(session, office, year, rules, settings):
    found = _published(session, office, year)
    entries = assessment.entries_of(session, found.id)
    registrations = {(r.subject_type, r.subject): set(r.titles) for r in session.execute(
        select(Registration).where(Registration.office == office, Registration.year == year)).scalars()}
    discipline = _discipline(session, office, year)
    initiatives = defaultdict(list)
    for row in session.execute(select(Initiative).where(
            Initiative.office == office, Initiative.year == year,
            Initiative.level.is_not(None))).scalars():
        for author in row.authors:
            initiatives[author].append({"level": row.level, "kind": row.kind,
                                        "province_wide": row.province_wide, "id": row.id})
    past_titles = defaultdict(lambda: defaultdict(set))
    for row in session.execute(select(Award).where(
            Award.office == office, Award.year.in_([year - 1, year - 2]))).scalars():
        past_titles[row.subject][row.year].add(row.title)
    staff_ids = [e.staff_id for e in entries]
    levels = assessment.past_levels(session, office, staff_ids, [year - 1])
    people = [Individual(e.staff_id, e.full_name, e.unit_code, e.level,
                         registrations.get(("staff", e.staff_id), set()),
                         discipline.get(e.staff_id, []), initiatives.get(e.staff_id, []),
                         dict(past_titles.get(e.staff_id, {})), dict(levels.get(e.staff_id, {})))
              for e in entries if e.level]
    directory = Directory(session, office)
    parents = set(directory.units.parents.values())
    members = defaultdict(list)
    for entry in entries:
        if entry.level:
            members[entry.unit_code].append(entry.staff_id)
    collectives = [Collective(code, directory.unit_names.get(code) or code,
                              (found.units.get(code) or {}).get("level"), staff,
                              registrations.get(("unit", code), set()))
                   for code, staff in members.items() if code and code not in parents]
    proposals = rules.propose(year, people, collectives, settings)
    kept = {(p.title, p.subject): p for p in session.execute(select(TitleProposal).where(
        TitleProposal.office == office, TitleProposal.year == year)).scalars()}
    session.execute(delete(TitleProposal).where(TitleProposal.office == office,
                                                TitleProposal.year == year,
                                                TitleProposal.status == "proposed"))
    rows = []
    for proposal in proposals:
        old = kept.get((proposal.title, proposal.subject))
        if old is not None and old.status == "awarded":
            rows.append(old)
            continue
        row = TitleProposal(office=office, year=year, title=proposal.title,
                            subject_type=proposal.subject_type, subject=proposal.subject,
                            name=proposal.name, criteria=proposal.criteria,
                            eligible=proposal.eligible, needs_ballot=proposal.needs_ballot,
                            threshold=proposal.threshold, status="proposed")
        if old is not None and old.council_members:
            row.council_members, row.votes_for, row.ballot_passed = (
                old.council_members, old.votes_for, old.ballot_passed)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def _proposal(session, office, year, title, subject):
    row = session.execute(select(TitleProposal).where(
        TitleProposal.office == office, TitleProposal.year == year, TitleProposal.title == title,
        TitleProposal.subject == subject)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no proposal of {title} for {subject} in {year}",
                       {"subject": ["run propose_titles first; only proposed candidates are voted on"]})
    return row


def record_ballot(session, office, year, title, subject, council_members, votes_for,
                  votes_against, rules, settings):
    problems = {}
    if council_members < 1:
        problems["council_members"] = ["a council has at least one member"]
    if votes_for < 0:
        problems["votes_for"] = ["cannot be negative"]
    elif votes_for > council_members:
        problems["votes_for"] = [f"{votes_for} votes for exceed the {council_members} council "
                                 "members: the share is of ALL members (Nghị định 98/2023 Điều 30.7)"]
    if votes_against is not None and votes_for + votes_against > council_members:
        problems["votes_against"] = [f"{votes_for} for + {votes_against} against exceed the "
                                     f"{council_members} council members"]
    if problems:
        raise InvalidInput("the ballot is not valid", problems)
    row = _proposal(session, office, year, title, subject)
    if row.status == "awarded":
        raise Conflict(f"{TITLE_NAMES[title]} was already awarded to {subject}", {"title": ["awarded"]})
    needs, threshold, share, passed = rules.ballot(title, council_members, votes_for, settings)
    row.council_members, row.votes_for, row.ballot_passed = council_members, votes_for, passed
    session.flush()
    return {"title": title, "subject": subject, "council_members": council_members,
            "votes_for": votes_for, "share": round(float(share) * 100, 2),
            "needs_ballot": needs, "threshold": None if threshold is None else threshold * 100,
            "passed": passed,
            "rule": BALLOT_RULE.format(title=TITLE_NAMES[title], threshold=threshold * 100)
            if needs else f"{TITLE_NAMES[title]}: không có ngưỡng biểu quyết riêng"}


def chosen_proposals(session, office, year, awards):
    """The proposals `awards` names ([{title, subject}]), or, with None, every eligible one
    that passed its ballot (a unit: its highest collective title only)."""
    proposals = session.execute(select(TitleProposal).where(
        TitleProposal.office == office, TitleProposal.year == year)).scalars().all()
    if not proposals:
        raise Conflict(f"no proposals for {year}", {"year": ["run propose_titles first"]})
    by_key = {(p.title, p.subject): p for p in proposals}
    if awards is None:
        chosen = [p for p in proposals if p.status == "proposed" and p.eligible
                  and (not p.needs_ballot or p.ballot_passed)]
        excellent_units = {p.subject for p in chosen if p.title == TT_LDXS}
        return [p for p in chosen if not (p.title == TT_LDTT and p.subject in excellent_units)]
    chosen, problems = [], {}
    for index, item in enumerate(awards):
        row = by_key.get((item.get("title"), item.get("subject")))
        if row is None:
            problems[f"awards[{index}]"] = [f"no proposal of {item.get('title')} for "
                                            f"{item.get('subject')} in {year}"]
        else:
            chosen.append(row)
    if problems:
        raise NotFound("unknown candidates", problems)
    return chosen


def award_titles(session, office, year, chosen, decision_number, awarded_on, actor, rules,
                 settings):
    """Award the `chosen` proposals (`chosen_proposals`); all or nothing."""
    proposals = session.execute(select(TitleProposal).where(
        TitleProposal.office == office, TitleProposal.year == year)).scalars().all()
    discipline = _discipline(session, office, year)
    problems = {}
    for row in chosen:
        key = f"{row.title}:{row.subject}"
        bad = rules.disqualifying(discipline.get(row.subject, []), settings) \
            if row.subject_type == "staff" else []
        if bad:
            problems[key] = [f"{row.name} bị kỷ luật ({', '.join(bad)}) năm {year}: {DISCIPLINE_RULE}"]
        elif not row.eligible:
            missed = [c["text"] for c in row.criteria if not c["met"]]
            problems[key] = [f"{TITLE_NAMES[row.title]}: chưa đạt tiêu chuẩn: {'; '.join(missed)}"]
        elif row.needs_ballot and not row.ballot_passed:
            got = (f"{row.votes_for}/{row.council_members}" if row.council_members else "chưa biểu quyết")
            problems[key] = [BALLOT_RULE.format(title=TITLE_NAMES[row.title],
                                                threshold=row.threshold * 100) + f" (đạt {got})"]
        elif row.status == "awarded":
            problems[key] = ["already awarded"]
    share = settings.get("cstdcs_max_share")
    if share is not None and not problems:
        ldtt = sum(1 for p in proposals if p.title == LDTT and
                   (p.status == "awarded" or p in chosen))
        cstdcs = sum(1 for p in proposals if p.title == CSTDCS and
                     (p.status == "awarded" or p in chosen))
        limit = math.floor(Fraction(str(share)) * ldtt)
        if cstdcs > limit:
            problems["CSTDCS"] = [f"{cstdcs} Chiến sĩ thi đua cơ sở exceed the provincial quota of "
                                  f"{float(share) * 100:g} % of {ldtt} Lao động tiên tiến ({limit})"]
    if problems:
        raise InvalidInput("titles cannot be awarded", problems)
    awarded = []
    for row in chosen:
        row.status = "awarded"
        award = Award(office=office, year=year, title=row.title, subject_type=row.subject_type,
                      subject=row.subject, name=row.name, source="awarded",
                      decision_number=decision_number, awarded_on=awarded_on, awarded_by=actor)
        session.add(award)
        awarded.append(award)
    session.flush()
    return awarded


def awards_of(session, office, year):
    return session.execute(select(Award).where(Award.office == office, Award.year == year)
                           .order_by(Award.title, Award.subject)).scalars().all()
