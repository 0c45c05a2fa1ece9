"""intake: documents in and out of an office, read, numbered, found; citizens' petitions."""
import base64

import logging


from services.intake import (access, exchange, issuing, mailboxes, petition_register,
                             registers, registration, requests, search)
from services.intake import attachments
from services.intake.channels.email import parse_email
from services.intake.extraction import ExtractionLimits
from services.intake.models import Base
from services.intake.parsing import parse_document
from services.intake.schemas import (DocumentDetailSchema, DocumentSchema, IssueDocumentSchema,
                                     ReceiveDocumentSchema, RegisterBookSchema)
from shared import health
from shared.auth import Auth, Principal
from shared.config import offices
from shared.db import Database
from shared.entrypoints import DEFAULT_MAX_PAYLOAD_BYTES, rpc, timer
from shared.errors import InvalidInput
from shared.events import event_handler
from shared.schemas import instance, load

log = logging.getLogger(__name__)

REGISTRARS = ("clerk", "service")
BATCH_LIMIT = 100


class IntakeService:
    name = "intake"

    db = Database(Base.metadata)
    auth = Auth()

    @property
    def config(self):
        return self.db.provider.container.config

    @property
    def extraction_limits(self):
        return ExtractionLimits.from_config(self.config)

    @property
    def max_attachment_bytes(self):
        return int(self.config.get("MAX_ATTACHMENT_BYTES",
                                   registration.DEFAULT_MAX_ATTACHMENT_BYTES))

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    @rpc
    def parse_document(self, text):
        self.auth.require()
        return parse_document(text)

    @rpc
    def receive(self, document):
        principal = self.auth.require(*REGISTRARS)
        registered, duplicates = self._receive_one(principal, document)
        self.db.commit()
        return self._registered(registered, duplicates)

    @rpc
    def receive_batch(self, documents):
        """Register up to BATCH_LIMIT documents in one transaction (bulk ingestion).

        Each document is registered in its own savepoint: a bad one is answered with its error
        and takes no number, the others are registered with consecutive numbers.
        """
        principal = self.auth.require(*REGISTRARS)
        if not isinstance(documents, list) or not 1 <= len(documents) <= BATCH_LIMIT:
            got = (f"{len(documents)} documents" if isinstance(documents, list)
                   else type(documents).__name__)
            raise InvalidInput(f"documents must be a list of 1 to {BATCH_LIMIT} documents",
                               {"documents": [f"got {got}"]})
        results = []
        for document in documents:
            try:
                with self.db.session.begin_nested():
                    results.append(self._receive_one(principal, document, number=False))
            except InvalidInput as exc:
                results.append(exc)
        registration.number_arrivals(self.db, principal, [
            registered for registered, _ in
            (r for r in results if not isinstance(r, InvalidInput))])
        answers = [{"error": r.to_dict()} if isinstance(r, InvalidInput) else self._registered(*r)
                   for r in results]
        self.db.commit()
        return answers

    def _receive_one(self, principal, document, number=True):
        given = load(ReceiveDocumentSchema, document, "document")
        text, parsed, warnings = exchange.read_text(given.get("text"), given["attachments"],
                                                    self.extraction_limits)
        return registration.register(
            self.db, principal, channel=given["channel"], fields=given, parsed=parsed,
            attachments=given["attachments"], text=text, warnings=warnings,
            arrival_date=given.get("arrival_date"), external_id=given.get("external_id"),
            max_attachment_bytes=self.max_attachment_bytes, number=number)

    @staticmethod
    def _registered(document, duplicates):
        return {**instance(DocumentSchema).dump(document),
                "duplicates": [{"document_id": k, "reason": v} for k, v in duplicates.items()]}

    @rpc
    def receive_edxml(self, xml_b64):
        """Register (or update, replace, recall) from an edXML message; answers status 01."""
        principal = self.auth.require(*REGISTRARS)
        data = exchange.decode_base64(xml_b64, "xml_b64")
        result, reply = exchange.receive_edxml(self.db, principal, self.config, data,
                                               self.max_attachment_bytes)
        self.db.commit()
        if result.get("document") is not None and "duplicates" in result:
            result["document"] = self._registered(result["document"], result.pop("duplicates"))
        result["status_message_b64"] = base64.b64encode(reply).decode("ascii") if reply else None
        return result

    @rpc
    def receive_email(self, raw_message_b64):
        principal = self.auth.require(*REGISTRARS)
        registered, duplicates = self._register_email(
            principal, exchange.decode_base64(raw_message_b64, "raw_message_b64"))
        self.db.commit()
        return self._registered(registered, duplicates)

    def _register_email(self, principal, raw):
        message = parse_email(raw, max_attachment_bytes=self.max_attachment_bytes,
                              limits=self.extraction_limits)
        fields, text, parsed, attachments, warnings, sender = exchange.email_registration(
            message, self.extraction_limits)
        fields["organ_name"] = (parsed or {}).get("organ_name") or sender
        return registration.register(
            self.db, principal, channel="email", fields=fields, parsed=parsed, text=text,
            attachments=attachments, warnings=warnings, external_id=message.get("message_id"),
            max_attachment_bytes=self.max_attachment_bytes)

    @rpc
    def issue(self, document):
        principal = self.auth.require(*REGISTRARS)
        given = load(IssueDocumentSchema, document, "document")
        known = offices(self.config)
        unknown = [office for office in given["to_offices"] if office not in known]
        if unknown:
            raise InvalidInput("unknown recipient office",
                               {"to_offices": [f"{office!r} is not an office of this deployment"
                                               for office in unknown]})
        settings = issuing.numbering_settings(self.config, principal.office)
        issued = issuing.issue(self.db, principal, given, settings, given["to_offices"])
        self.db.commit()
        return instance(DocumentSchema).dump(issued)

    @rpc
    def correct(self, document_id, changes, reason):
        principal = self.auth.require(*REGISTRARS)
        document_id = access.document_id_of(document_id)
        fields, reason = requests.correction(changes, reason)
        document = access.document_for(self.db.session, principal, document_id, access.CHANGE)
        issuing.correct(self.db, principal, document, fields, reason)
        self.db.commit()
        return instance(DocumentSchema).dump(document)

    @rpc
    def recall(self, document_id, reason):
        principal = self.auth.require(*REGISTRARS)
        document_id = access.document_id_of(document_id)
        reason = requests.reason_of(reason, "a recall")
        document = access.document_for(self.db.session, principal, document_id, access.CHANGE)
        issuing.recall(self.db, principal, document, reason)
        self.db.commit()
        return instance(DocumentSchema).dump(document)

    @rpc
    def get(self, document_id):
        principal = self.auth.require()
        document = access.document_for(self.db.session, principal, document_id)
        return instance(DocumentDetailSchema).dump(document)

    @rpc
    def search(self, **criteria):
        principal = self.auth.require()
        query = requests.search(criteria)
        total, found = search.search(self.db.session, principal, query["query"],
                                     query["filters"], query["limit"], query["offset"])
        return {"total": total, "items": instance(DocumentSchema, many=True).dump(found)}

    @rpc
    def register_book(self, **criteria):
        principal = self.auth.require()
        query = load(RegisterBookSchema, criteria, "register")
        table = registers.rows(self.db.session, principal, query["year"], query["direction"])
        return registers.export(query["format"], query["direction"], table, query["year"],
                                offices(self.config).get(principal.office, ""))

    @timer("IMAP_POLL_SECONDS", 60)
    def poll_mailboxes(self):
        """Register new mail of every configured mailbox; a mailbox that fails waits a turn."""
        for office, settings in mailboxes.configured(self.config):
            clerk = Principal(sub="imap", office=office, roles=frozenset({"service"}), clearance=0)
            try:
                taken = mailboxes.poll(self.db.session, settings,
                                       lambda uid, raw: self._take_mail(clerk, uid, raw))
                self.db.commit()
                if taken:
                    log.info("registered %d mails of %s for %s", len(taken), settings["user"], office)
            except Exception as exc:
                self.db.rollback()
                log.warning("mailbox %s of %s not polled: %s", settings.get("user"), office, exc)

    def _take_mail(self, clerk, uid, raw):
        try:
            with self.db.session.begin_nested():
                self._register_email(clerk, raw)
        except InvalidInput as exc:  # nothing to register in it: say so, and go on
            log.error("mail UID %s for %s is not a registrable message: %s", uid, clerk.office, exc)

    # -- petitions (đơn thư) --------------------------------------------------------------

    def _petition_rules(self, office):
        return petition_register.rules_for(self.config, office)

    @staticmethod
    def _date_argument(name, value):
        try:
            return registration.as_date(value) if value else None
        except (TypeError, ValueError):
            raise InvalidInput(f"{name} must be a date (YYYY-MM-DD)", {name: [repr(value)]})

    @rpc
    def receive_petition(self, petition):
        principal = self.auth.require(*REGISTRARS)
        record, duplicates = petition_register.receive(
            self.db.session, principal, petition, self._petition_rules(principal.office))
        self.db.commit()
        return {**petition_register.to_dict(record), "duplicates": duplicates}

    @rpc
    def classify_petition(self, petition_id, facts):
        principal = self.auth.require(*REGISTRARS)
        if not isinstance(facts, dict):
            raise InvalidInput("facts must be a JSON object", {"facts": ["not an object"]})
        record = petition_register.get(self.db.session, principal, petition_id)
        petition_register.reclassify(record, principal, facts, self._petition_rules(principal.office))
        self.db.commit()
        return petition_register.to_dict(record)

    @rpc
    def dispose_petition(self, petition_id, disposition, reason=None, forward_to=None,
                         disposed_on=None):
        principal = self.auth.require("clerk", "leader", "service")
        record = petition_register.get(self.db.session, principal, petition_id)
        record, check = petition_register.dispose(
            self.db.session, principal, record, disposition, reason, forward_to,
            self._petition_rules(principal.office),
            petition_register.calendar_for(self.config, principal.office),
            today=self._date_argument("disposed_on", disposed_on))
        self.db.commit()
        return {**petition_register.to_dict(record),
                "suggested_disposition": check.suggested_disposition,
                "suggested_reason": check.suggested_reason}

    @rpc
    def record_reply(self, petition_id, summary, replied_on=None, from_body=None):
        principal = self.auth.require(*REGISTRARS)
        record = petition_register.get(self.db.session, principal, petition_id)
        on = self._date_argument("replied_on", replied_on)
        petition_register.record_reply(record, principal, on, summary, from_body)
        self.db.commit()
        return petition_register.to_dict(record)

    @rpc
    def petition_stats(self, year):
        principal = self.auth.require()
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InvalidInput("year must be a year such as 2026", {"year": [repr(year)]})
        return petition_register.year_stats(self.db.session, principal.office, year,
                                            self._petition_rules(principal.office))

    @event_handler("intake", "document_issued")
    def on_document_issued(self, event):
        """A document issued to another office of this deployment arrives there as incoming."""
        if not event["data"]["to_offices"]:
            return
        if not self.db.first_delivery(event, "intake.on_document_issued"):
            return
        issuing.deliver_internally(self.db, event, offices(self.config))
        self.db.commit()

    @event_handler("intake", "document_recalled")
    def on_document_recalled(self, event):
        if event["data"]["direction"] != "out":
            return
        if not self.db.first_delivery(event, "intake.on_document_recalled"):
            return
        issuing.recall_internal_copies(self.db, event)
        self.db.commit()

    # -- attachments: a document's files back out, chunk by chunk ---------------------------

    @property
    def attachment_chunk_bytes(self):
        return attachments.chunk_bytes_for(
            self.config.get("ATTACHMENT_CHUNK_BYTES"),
            self.config.get("MAX_PAYLOAD_BYTES", DEFAULT_MAX_PAYLOAD_BYTES))

    @rpc
    def list_attachments(self, document_id):
        """The files of a document: name, type, size, SHA-256, and the chunk size to read them."""
        principal = self.auth.require()
        return attachments.listing(self.db.session, principal, document_id,
                                   self.attachment_chunk_bytes)

    @rpc
    def get_attachment(self, document_id, attachment_id, offset=0, length=None):
        """Up to `length` bytes (at most one chunk) of a file from `offset`, base64, with the
        file's size and SHA-256 and the `next_offset` to ask for (None at the end)."""
        principal = self.auth.require()
        request = attachments.chunk_request(document_id, attachment_id, offset, length,
                                            self.attachment_chunk_bytes)
        return attachments.read_chunk(self.db.session, principal, request)
