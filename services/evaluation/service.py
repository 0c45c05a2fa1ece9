"""evaluation: task outcomes → period scores → year-end classification and emulation titles."""
import base64

from services.evaluation import assessment, emulation, explain, outcomes, report, staff
from services.evaluation.models import Base, Initiative, Registration
from services.evaluation.rules import choose
from services.evaluation.schemas import (AwardSchema, BallotSchema, DecideTieSchema,
                                         DisciplineSchema, ExplainSchema, GeneralCriteriaSchema,
                                         HistorySchema, InitiativeSchema, OutcomeQuerySchema,
                                         PeriodSchema, RateUnitSchema, RecogniseSchema,
                                         RegistrationSchema, ReportSchema, TaskOutcomeSchema,
                                         TaskWeightSchema, YearSchema)
from services.evaluation.settings import office_settings
from shared import health
from shared.auth import Auth
from shared.config import offices
from shared.db import Database
from shared.entrypoints import rpc
from shared.errors import Forbidden
from shared.events import event_handler
from shared.schemas import load
from shared.timeutil import today_local

READERS = ("evaluator", "leader", "head", "service")
EVALUATORS = ("evaluator", "leader", "head")
DECIDERS = ("evaluator", "leader")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    # --- outcomes

    @rpc
    def outcomes(self, **query):
        principal = self.auth.require()
        criteria = load(OutcomeQuerySchema, query, "query")
        if not principal.has_any(*READERS, "admin"):
            criteria["assignee"] = principal.sub  # staff see their own outcomes only
        found = outcomes.list_for(self.db.session, principal.office, **criteria)
        return TaskOutcomeSchema(many=True).dump(found)

    @rpc
    def set_task_weight(self, **payload):
        principal = self.auth.require(*DECIDERS)
        given = load(TaskWeightSchema, payload, "weight")
        row = outcomes.set_type_weight(self.db.session, principal.office, given["task_type"],
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
    def list_staff(self):
        """evaluation's copy of the office's staff, with the assignments periods are scored by."""
        principal = self.auth.require(*READERS)
        return staff.listing(self.db.session, principal.office)

    # --- periods

    @rpc
    def period_scores(self, **payload):
        self.auth.require(*READERS)
        office = self.auth.office_for(payload.pop("office", None))
        period = load(PeriodSchema, payload, "request")["period"]
        rules, rule_settings = self._rules(office, int(period[:4]))
        return assessment.period_scores(self.db.session, office, period, rules, rule_settings,
                                        self._settings(office), today_local())

    @rpc
    def set_general_criteria(self, **payload):
        principal = self.auth.require(*EVALUATORS)
        given = load(GeneralCriteriaSchema, payload, "general criteria")
        saved = assessment.set_general_criteria(self.db.session, principal.office, principal.sub,
                                                given["period"], given["entries"],
                                                self._settings(principal.office))
        self.db.commit()
        return {"period": given["period"], "saved": len(saved)}

    @rpc
    def close_period(self, **payload):
        principal = self.auth.require(*DECIDERS)
        period = assessment.close_period(self.db.session, principal.office,
                                         load(PeriodSchema, payload, "request")["period"], principal)
        self.db.commit()
        return {"period": period.code, "closed": period.months()}

    @rpc
    def explain(self, **payload):
        principal = self.auth.require()
        given = load(ExplainSchema, payload, "request")
        if given["staff_id"] != principal.sub and not principal.has_any(*READERS, "admin"):
            raise Forbidden("you may see the explanation of your own scores only",
                            {"staff_id": [f"{given['staff_id']!r} is not you"]})
        if given["year"] is not None:
            return explain.year(self.db.session, principal.office, given["staff_id"], given["year"])
        rules, rule_settings = self._rules(principal.office, int(given["period"][:4]))
        return explain.period(self.db.session, principal.office, given["staff_id"],
                              given["period"], rules, rule_settings,
                              self._settings(principal.office), today_local())

    # --- the year

    @rpc
    def classify_year(self, **payload):
        principal = self.auth.require(*DECIDERS)
        office = self.auth.office_for(payload.pop("office", None))
        year = load(YearSchema, payload, "request")["year"]
        rules, rule_settings = self._rules(office, year)
        found = assessment.classify_year(self.db.session, office, year, principal.sub, rules,
                                         rule_settings, self._settings(office), today_local())
        self.db.commit()
        return self._classification(found)

    @rpc
    def get_classification(self, **payload):
        self.auth.require(*READERS)
        office = self.auth.office_for(payload.pop("office", None))
        year = load(YearSchema, payload, "request")["year"]
        return self._classification(assessment.get_classification(self.db.session, office, year))

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
        principal = self.auth.require(*DECIDERS)
        given = load(RateUnitSchema, payload, "rating")
        row = assessment.rate_unit(self.db.session, principal.office, given["year"],
                                   given["unit_code"], given["level"], given["reason"], principal.sub)
        self.db.commit()
        return {"year": row.year, "unit_code": row.unit_code, "level": row.level}

    @rpc
    def decide_tie(self, **payload):
        principal = self.auth.require(*DECIDERS)
        given = load(DecideTieSchema, payload, "decision")
        entry = assessment.decide_tie(self.db.session, principal.office, given["year"],
                                      given["staff_id"], given["level"], given["reason"],
                                      principal.sub)
        self.db.commit()
        return {"staff_id": entry.staff_id, "level": entry.level}

    @rpc
    def publish_classification(self, **payload):
        principal = self.auth.require(*DECIDERS)
        year = load(YearSchema, payload, "request")["year"]
        found, entries = assessment.publish(self.db.session, principal.office, year, principal)
        self.db.record_event("classification_published", {
            "year": year, "classification_id": found.id, "rule_set": found.rule_set,
            "results": [{"staff_id": e.staff_id, "level": e.level, "score": e.score}
                        for e in entries if e.level]},
            office=principal.office, actor=principal.as_actor())
        self.db.commit()
        return self._classification(found)

    # --- emulation

    @rpc
    def register_emulation(self, **payload):
        principal = self.auth.require(*EVALUATORS)
        given = load(RegistrationSchema, payload, "registration")
        count = emulation.register(self.db.session, principal.office, given["year"],
                                   given["entries"], given["registered_on"] or today_local(),
                                   self._settings(principal.office).get("emulation") or {})
        self.db.commit()
        return {"year": given["year"], "registered": count}

    @rpc
    def record_initiative(self, **payload):
        principal = self.auth.require(*DECIDERS)
        row = emulation.record_initiative(self.db.session, principal.office,
                                          load(InitiativeSchema, payload, "initiative"), principal.sub)
        self.db.commit()
        return self._initiative(row)

    @rpc
    def recognise_initiative(self, **payload):
        principal = self.auth.require(*DECIDERS)
        given = load(RecogniseSchema, payload, "recognition")
        row = emulation.recognise_initiative(self.db.session, principal.office,
                                             given["initiative_id"], given)
        self.db.commit()
        return self._initiative(row)

    @staticmethod
    def _initiative(row):
        return {"id": row.id, "year": row.year, "title": row.title, "kind": row.kind,
                "authors": row.authors, "level": row.level, "province_wide": row.province_wide}

    @rpc
    def record_discipline(self, **payload):
        principal = self.auth.require(*DECIDERS)
        row = emulation.record_discipline(self.db.session, principal.office,
                                          load(DisciplineSchema, payload, "discipline"), principal.sub)
        self.db.commit()
        return {"id": row.id, "staff_id": row.staff_id, "year": row.year, "kind": row.kind,
                "form": row.form}

    @rpc
    def import_history(self, **payload):
        principal = self.auth.require(*DECIDERS)
        given = load(HistorySchema, payload, "history")
        counts = emulation.import_history(self.db.session, principal.office, given["year"],
                                          given["levels"], given["titles"], principal.sub)
        self.db.commit()
        return counts

    @rpc
    def propose_titles(self, **payload):
        principal = self.auth.require(*DECIDERS)
        year = load(YearSchema, payload, "request")["year"]
        rules, rule_settings = self._rules(principal.office, year, "emulation")
        rows = emulation.propose_titles(self.db.session, principal.office, year, rules, rule_settings)
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
        principal = self.auth.require(*DECIDERS)
        given = load(BallotSchema, payload, "ballot")
        rules, rule_settings = self._rules(principal.office, given["year"], "emulation")
        result = emulation.record_ballot(self.db.session, principal.office, given["year"],
                                         given["title"], given["subject"], given["council_members"],
                                         given["votes_for"], given["votes_against"], rules,
                                         rule_settings)
        self.db.commit()
        return result

    @rpc
    def award_titles(self, **payload):
        principal = self.auth.require(*DECIDERS)
        given = load(AwardSchema, payload, "awards")
        rules, rule_settings = self._rules(principal.office, given["year"], "emulation")
        awarded = emulation.award_titles(self.db.session, principal.office, given["year"],
                                         given["awards"], given["decision_number"],
                                         given["awarded_on"] or today_local(), principal.sub,
                                         rules, rule_settings)
        items = [{"title": a.title, ("unit_code" if a.subject_type == "unit" else "staff_id"): a.subject,
                  "name": a.name} for a in awarded]
        if items:
            self.db.record_event("titles_awarded", {"year": given["year"], "awards": items},
                                 office=principal.office, actor=principal.as_actor())
        self.db.commit()
        return {"year": given["year"], "awarded": items}

    @rpc
    def emulation_report(self, **payload):
        self.auth.require(*READERS)
        office = self.auth.office_for(payload.pop("office", None))
        given = load(ReportSchema, payload, "request")
        session, year = self.db.session, given["year"]
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
