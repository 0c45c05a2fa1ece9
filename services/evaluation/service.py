"""evaluation: task outcomes → period scores → year-end classification and emulation titles.

Every RPC starts with `_caller`: the one check of who may call it and on which office it acts
(`permissions.RULES`); the people and units it decides about go through `caller.check`.
"""
import base64

from services.evaluation import (assessment, emulation, explain, outcomes, periods, permissions,
                                 report, staff)
from services.evaluation.models import Base, Initiative, Registration
from services.evaluation.permissions import Subject
from services.evaluation.rules import choose
from services.evaluation.rules.emulation_2022 import COLLECTIVE_TITLES
from services.evaluation.schemas import (AwardSchema, BallotSchema, DecideTieSchema,
                                         DisciplineSchema, EmptySchema, ExplainSchema,
                                         GeneralCriteriaSchema, HistorySchema, InitiativeSchema,
                                         OutcomeQuerySchema, PeriodSchema, RateUnitSchema,
                                         RecogniseSchema, RegistrationSchema, ReportSchema,
                                         TaskOutcomeSchema, TaskWeightSchema, YearSchema,
                                         load_request)
from services.evaluation.settings import office_settings
from shared import health
from shared.auth import Auth
from shared.config import offices
from shared.db import Database
from shared.entrypoints import rpc
from shared.events import event_handler
from shared.timeutil import today_local

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def title_subject(title, subject, field):
    """A title's subject: a unit for a collective title, else a person."""
    if title in COLLECTIVE_TITLES:
        return Subject.unit(subject, field)
    return Subject.person(subject, field)


class EvaluationService:
    name = "evaluation"

    db = Database(Base.metadata)
    auth = Auth()

    @property
    def config(self):
        return self.db.provider.container.config

    def _rules(self, office, year, kind="classification"):
        return choose(self.config, office, year, kind)

    def _settings(self, office):
        return office_settings(self.config, office)

    def _caller(self, action, payload):
        """Who calls `action` on which office (`permissions`); FORBIDDEN before anything is read."""
        return permissions.authorize(self.auth, action, payload,
                                     lambda office: staff.Directory(self.db.session, office))

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    # --- outcomes

    @rpc
    def outcomes(self, **query):
        caller = self._caller("outcomes", query)
        criteria = load_request(OutcomeQuerySchema, query, "query")
        if not caller.is_reader():
            criteria["assignee"] = criteria["assignee"] or caller.sub
        if criteria["assignee"]:
            caller.check(Subject.person(criteria["assignee"], "assignee"))
        found = outcomes.list_for(self.db.session, caller.office, **criteria)
        return TaskOutcomeSchema(many=True).dump(found)

    @rpc
    def set_task_weight(self, **payload):
        caller = self._caller("set_task_weight", payload)
        given = load_request(TaskWeightSchema, payload, "weight")
        row = outcomes.set_type_weight(self.db.session, caller.office, given["task_type"],
                                       given["weight"])
        self.db.commit()
        return {"task_type": row.task_type, "weight": row.weight}

    @event_handler("tasks", "task_assigned")
    def on_task_assigned(self, event):
        if not self.db.first_delivery(event, "evaluation.on_task_assigned"):
            return
        outcomes.record_assigned(self.db.session, event)
        self.db.commit()

    @event_handler("tasks", "task_completed")
    def on_task_completed(self, event):
        if not self.db.first_delivery(event, "evaluation.on_task_completed"):
            return
        outcomes.record(self.db.session, event)
        self.db.commit()

    @event_handler("tasks", "task_cancelled")
    def on_task_cancelled(self, event):
        if not self.db.first_delivery(event, "evaluation.on_task_cancelled"):
            return
        outcomes.record_cancelled(self.db.session, event)
        self.db.commit()

    @event_handler("tasks", "extension_decided")
    def on_extension_decided(self, event):
        if not self.db.first_delivery(event, "evaluation.on_extension_decided"):
            return
        outcomes.record_extension(self.db.session, event)
        self.db.commit()

    @event_handler("tasks", "staff_changed")
    def on_staff_changed(self, event):
        if not self.db.first_delivery(event, "evaluation.on_staff_changed"):
            return
        staff.apply_change(self.db.session, event)
        self.db.commit()

    @rpc
    def list_staff(self, **payload):
        """evaluation's copy of the office's staff, with the assignments periods are scored by."""
        caller = self._caller("list_staff", payload)
        load_request(EmptySchema, payload)
        return staff.listing(self.db.session, caller.office)

    # --- periods

    @rpc
    def period_scores(self, **payload):
        caller = self._caller("period_scores", payload)
        period = load_request(PeriodSchema, payload)["period"]
        rules, rule_settings = self._rules(caller.office, int(period[:4]))
        return assessment.period_scores(self.db.session, caller.office, period, rules,
                                        rule_settings, self._settings(caller.office), today_local())

    @rpc
    def set_general_criteria(self, **payload):
        caller = self._caller("set_general_criteria", payload)
        given = load_request(GeneralCriteriaSchema, payload, "general criteria")
        period = periods.parse(given["period"], allow_year=True)
        caller.check(*(Subject.person(entry["staff_id"], f"entries[{index}].staff_id", period)
                       for index, entry in enumerate(given["entries"])))
        saved = assessment.set_general_criteria(self.db.session, caller.office, caller.sub,
                                                period.code, given["entries"],
                                                self._settings(caller.office))
        self.db.commit()
        return {"period": period.code, "saved": len(saved)}

    @rpc
    def close_period(self, **payload):
        caller = self._caller("close_period", payload)
        period = assessment.close_period(self.db.session, caller.office,
                                         load_request(PeriodSchema, payload)["period"], caller.sub)
        self.db.commit()
        return {"period": period.code, "closed": period.months()}

    @rpc
    def explain(self, **payload):
        caller = self._caller("explain", payload)
        given = load_request(ExplainSchema, payload)
        caller.check(Subject.person(given["staff_id"], "staff_id"))
        if given["year"] is not None:
            return explain.year(self.db.session, caller.office, given["staff_id"], given["year"])
        rules, rule_settings = self._rules(caller.office, int(given["period"][:4]))
        return explain.period(self.db.session, caller.office, given["staff_id"],
                              given["period"], rules, rule_settings,
                              self._settings(caller.office), today_local())

    # --- the year

    @rpc
    def classify_year(self, **payload):
        caller = self._caller("classify_year", payload)
        year = load_request(YearSchema, payload)["year"]
        rules, rule_settings = self._rules(caller.office, year)
        found = assessment.classify_year(self.db.session, caller.office, year, caller.sub, rules,
                                         rule_settings, self._settings(caller.office),
                                         today_local())
        self.db.commit()
        return self._classification(found)

    @rpc
    def get_classification(self, **payload):
        caller = self._caller("get_classification", payload)
        year = load_request(YearSchema, payload)["year"]
        return self._classification(assessment.get_classification(self.db.session, caller.office,
                                                                   year))

    def _classification(self, found):
        entries = assessment.entries_of(self.db.session, found.id)
        return {"id": found.id, "year": found.year, "rule_set": found.rule_set,
                "status": found.status, "periods": found.periods, "units": found.units,
                "quota": found.quota, "office_excellent": found.office_excellent,
                "created_by": found.created_by,
                "published_at": found.published_at.isoformat() if found.published_at else None,
                "blockers": assessment.publish_blockers(entries),
                "entries": [{"staff_id": e.staff_id, "full_name": e.full_name,
                             "unit_code": e.unit_code, "task_group": e.task_group,
                             "is_leader": e.is_leader, "score": e.score,
                             "task_points": e.task_points, "general_points": e.general_points,
                             "provisional_level": e.provisional_level, "level": e.level,
                             "council_pending": e.council_pending,
                             "adjustments": e.adjustments, "reasons": e.reasons}
                            for e in entries]}

    @rpc
    def rate_unit(self, **payload):
        caller = self._caller("rate_unit", payload)
        given = load_request(RateUnitSchema, payload, "rating")
        caller.check(Subject.unit(given["unit_code"], "unit_code",
                                  periods.parse(str(given["year"]), allow_year=True)))
        row = assessment.rate_unit(self.db.session, caller.office, given["year"],
                                   given["unit_code"], given["level"], given["reason"], caller.sub)
        self.db.commit()
        return {"year": row.year, "unit_code": row.unit_code, "level": row.level}

    @rpc
    def decide_tie(self, **payload):
        """The council's decision on a tie at the quota cut: about everyone tied for the places."""
        caller = self._caller("decide_tie", payload)
        given = load_request(DecideTieSchema, payload, "decision")
        target = given["staff_id"]
        caller.check(Subject.person(target, "staff_id"), *(
            Subject.person(other, "staff_id", note=f", tied with {target} for the same places")
            for other in assessment.tied_with(self.db.session, caller.office, given["year"], target)))
        entry = assessment.decide_tie(self.db.session, caller.office, given["year"], target,
                                      given["level"], given["reason"], caller.sub)
        self.db.commit()
        return {"staff_id": entry.staff_id, "level": entry.level}

    @rpc
    def publish_classification(self, **payload):
        caller = self._caller("publish_classification", payload)
        year = load_request(YearSchema, payload)["year"]
        found, entries = assessment.publish(self.db.session, caller.office, year, caller.sub)
        self.db.record_event("classification_published", {
            "year": year, "classification_id": found.id, "rule_set": found.rule_set,
            "results": [{"staff_id": e.staff_id, "level": e.level, "score": e.score}
                        for e in entries if e.level]},
            office=caller.office, actor=caller.principal.as_actor())
        self.db.commit()
        return self._classification(found)

    # --- emulation

    @rpc
    def register_emulation(self, **payload):
        caller = self._caller("register_emulation", payload)
        given = load_request(RegistrationSchema, payload, "registration")
        count = emulation.register(self.db.session, caller.office, given["year"],
                                   given["entries"], given["registered_on"] or today_local(),
                                   self._settings(caller.office).get("emulation") or {})
        self.db.commit()
        return {"year": given["year"], "registered": count}

    @rpc
    def record_initiative(self, **payload):
        """An initiative; recorded with a level it is recognised, which its authors may not do."""
        caller = self._caller("record_initiative", payload)
        given = load_request(InitiativeSchema, payload, "initiative")
        if given["level"] is not None:
            caller.check(*(Subject.person(author, f"authors[{index}]")
                           for index, author in enumerate(given["authors"])))
        row = emulation.record_initiative(self.db.session, caller.office, given, caller.sub)
        self.db.commit()
        return self._initiative(row)

    @rpc
    def recognise_initiative(self, **payload):
        caller = self._caller("recognise_initiative", payload)
        given = load_request(RecogniseSchema, payload, "recognition")
        row = emulation.initiative(self.db.session, caller.office, given["initiative_id"])
        caller.check(*(Subject.person(author, f"authors[{index}]")
                       for index, author in enumerate(row.authors)))
        emulation.recognise_initiative(self.db.session, row, given)
        self.db.commit()
        return self._initiative(row)

    @staticmethod
    def _initiative(row):
        return {"id": row.id, "year": row.year, "title": row.title, "kind": row.kind,
                "authors": row.authors, "level": row.level, "province_wide": row.province_wide}

    @rpc
    def record_discipline(self, **payload):
        caller = self._caller("record_discipline", payload)
        given = load_request(DisciplineSchema, payload, "discipline")
        caller.check(Subject.person(given["staff_id"], "staff_id"))
        row = emulation.record_discipline(self.db.session, caller.office, given, caller.sub)
        self.db.commit()
        return {"id": row.id, "staff_id": row.staff_id, "year": row.year, "kind": row.kind,
                "form": row.form}

    @rpc
    def import_history(self, **payload):
        caller = self._caller("import_history", payload)
        given = load_request(HistorySchema, payload, "history")
        caller.check(
            *(Subject.person(item["staff_id"], f"levels[{index}].staff_id")
              for index, item in enumerate(given["levels"])),
            *(title_subject(item["title"], item["subject"], f"titles[{index}].subject")
              for index, item in enumerate(given["titles"])))
        counts = emulation.import_history(self.db.session, caller.office, given["year"],
                                          given["levels"], given["titles"], caller.sub)
        self.db.commit()
        return counts

    @rpc
    def propose_titles(self, **payload):
        caller = self._caller("propose_titles", payload)
        year = load_request(YearSchema, payload)["year"]
        rules, rule_settings = self._rules(caller.office, year, "emulation")
        rows = emulation.propose_titles(self.db.session, caller.office, year, rules, rule_settings)
        self.db.commit()
        return [self._proposal(r) for r in rows]

    @staticmethod
    def _proposal(row):
        return {"title": row.title, "subject_type": row.subject_type, "subject": row.subject,
                "name": row.name, "eligible": row.eligible, "criteria": row.criteria,
                "met": [c["rule"] for c in row.criteria if c["met"]],
                "missed": [c["rule"] for c in row.criteria if not c["met"]],
                "needs_ballot": row.needs_ballot, "threshold": row.threshold,
                "council_members": row.council_members, "votes_for": row.votes_for,
                "ballot_passed": row.ballot_passed, "status": row.status}

    @rpc
    def record_ballot(self, **payload):
        caller = self._caller("record_ballot", payload)
        given = load_request(BallotSchema, payload, "ballot")
        caller.check(title_subject(given["title"], given["subject"], "subject"))
        rules, rule_settings = self._rules(caller.office, given["year"], "emulation")
        result = emulation.record_ballot(self.db.session, caller.office, given["year"],
                                         given["title"], given["subject"], given["council_members"],
                                         given["votes_for"], given["votes_against"], rules,
                                         rule_settings)
        self.db.commit()
        return result

    @rpc
    def award_titles(self, **payload):
        caller = self._caller("award_titles", payload)
        given = load_request(AwardSchema, payload, "awards")
        session, year = self.db.session, given["year"]
        chosen = emulation.chosen_proposals(session, caller.office, year, given["awards"])
        caller.check(*(title_subject(p.title, p.subject, f"{p.title}:{p.subject}") for p in chosen))
        rules, rule_settings = self._rules(caller.office, year, "emulation")
        awarded = emulation.award_titles(session, caller.office, year, chosen,
                                         given["decision_number"],
                                         given["awarded_on"] or today_local(), caller.sub,
                                         rules, rule_settings)
        items = [{"title": a.title, ("unit_code" if a.subject_type == "unit" else "staff_id"): a.subject,
                  "name": a.name} for a in awarded]
        if items:
            self.db.record_event("titles_awarded", {"year": year, "awards": items},
                                 office=caller.office, actor=caller.principal.as_actor())
        self.db.commit()
        return {"year": year, "awarded": items}

    @rpc
    def emulation_report(self, **payload):
        caller = self._caller("emulation_report", payload)
        given = load_request(ReportSchema, payload)
        session, office, year = self.db.session, caller.office, given["year"]
        found = assessment.get_classification(session, office, year)
        data = report.build(
            offices(self.config).get(office, office), year, emulation.awards_of(session, office, year),
            assessment.entries_of(session, found.id),
            session.query(Registration).filter_by(office=office, year=year).all(),
            session.query(Initiative).filter_by(office=office, year=year).all())
        if given["format"] == "docx":
            return {"file_name": f"bao-cao-thi-dua-{year}.docx", "content_type": DOCX,
                    "data": base64.b64encode(report.docx_bytes(data)).decode("ascii"),
                    "summary": data["summary"]}
        return data
