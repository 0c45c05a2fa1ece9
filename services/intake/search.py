"""Finding documents the way a clerk asks: by số, ký hiệu ("412/UBND-VP", "Số 412/ubnd-vp",
"1103-KL/ĐUK", or "412" alone) or by words, diacritics-insensitive ("thong bao ket luan" finds
"Thông báo kết luận", "d" matches "đ"), filtered, ranked by where the words occur.

A query that reads as a số, ký hiệu (services/intake/symbols.py) matches documents with that
number and notation; a number alone matches that số (ký hiệu's number or số đến) first, then
the text that holds it.  Filters (all optional, combined with AND): direction, doc_type, organ,
priority, status, date_from / date_to (the arrival date, or the issue date of an outgoing
document), number, notation and waiting_for_direction.

The request is bounded before it gets here (services/intake/requests.py: at most 20 distinct
words, 500 characters); the words become one condition, so building the statement is linear.
"""
from sqlalchemy import and_, func, not_, or_

from services.intake import access, symbols
from services.intake.models import Document
from services.intake.requests import SEARCH_CANDIDATES, query_words
from shared.text import fold

SYMBOL_POINTS = 20                  # an exact số, ký hiệu ranks above any word match


def search_text(document):
    parts = [document.type_name, document.code_number, document.code_notation, document.subject,
             document.organ_name, document.signer_full_name, (document.content or "")[:4000]]
    return fold(" ".join(part for part in parts if part))


def score(subject, folded_text, tokens, phrase):
    subject = fold(subject)
    points = 5 if phrase and phrase in subject else 0
    points += sum(2 for token in tokens if token in subject)
    points += sum(1 for token in tokens if token in (folded_text or ""))
    return points


def waiting_for_direction():
    """Incoming documents still waiting for the leader's direction, as intake knows it: received
    and neither recalled nor replaced.  Intake keeps no "directed" state of its own yet; once it
    follows tasks' events (a directed document leaves `registered`), this condition follows."""
    return and_(Document.direction == "in", Document.status == "registered")


def number_is(number):
    return Document.code_number.in_(symbols.number_variants(number))


def notation_candidates(notation):
    """SQL pre-filter for a ký hiệu (folded into search_text); `symbols.notation_matches`
    decides."""
    return Document.search_text.contains(notation, autoescape=True)


def filter_conditions(filters):
    """SQL conditions of the search filters (all optional)."""
    conditions = []
    if filters.get("direction"):
        conditions.append(Document.direction == filters["direction"])
    if filters.get("doc_type"):
        conditions.append(or_(Document.doc_type == filters["doc_type"],
                              Document.type_name == filters["doc_type"]))
    if filters.get("organ"):
        conditions.append(Document.search_text.contains(fold(filters["organ"]), autoescape=True))
    if filters.get("priority"):
        conditions.append(Document.priority == filters["priority"])
    if filters.get("status"):
        conditions.append(Document.status == filters["status"])
    if filters.get("number"):
        conditions.append(number_is(filters["number"]))
    if filters.get("notation"):
        conditions.append(notation_candidates(filters["notation"]))
    if filters.get("waiting_for_direction") is not None:
        waiting = waiting_for_direction()
        conditions.append(waiting if filters["waiting_for_direction"] else not_(waiting))
    day = func.coalesce(Document.arrival_date, Document.issued_date)
    if filters.get("date_from"):
        conditions.append(day >= filters["date_from"])
    if filters.get("date_to"):
        conditions.append(day <= filters["date_to"])
    return conditions


class Query:
    """What a query asks: a số, ký hiệu, a number alone, or words."""

    def __init__(self, text):
        self.symbol = symbols.parse(text)
        self.phrase = fold(text)
        if self.symbol is None:
            self.tokens = query_words(text)
        else:               # "Số 412": the number is the word; "412/UBND-VP": no words
            self.tokens = [] if self.symbol.notation else [self.symbol.number]

    def conditions(self):
        if self.symbol is None:
            return [Document.search_text.contains(token, autoescape=True)
                    for token in self.tokens]
        if self.symbol.notation is not None:
            return [number_is(self.symbol.number), notation_candidates(self.symbol.notation)]
        number = int(self.symbol.number)
        return [or_(number_is(self.symbol.number), Document.arrival_number == number,
                    Document.search_text.contains(self.tokens[0], autoescape=True))]

    def exact(self, row):
        """Does the row carry the asked số (and ký hiệu)?"""
        if self.symbol is None:
            return False
        number_matches = row.code_number in symbols.number_variants(self.symbol.number)
        if self.symbol.notation is None:
            return number_matches or row.arrival_number == int(self.symbol.number)
        return number_matches and symbols.notation_matches(row.code_notation,
                                                           self.symbol.notation)

    def keeps(self, row, filters):
        if self.symbol is not None and self.symbol.notation is not None and not self.exact(row):
            return False
        notation = filters.get("notation")
        return not notation or symbols.notation_matches(row.code_notation, notation)

    def points(self, row):
        exact = SYMBOL_POINTS if self.exact(row) else 0
        return exact + score(row.subject, row.search_text, self.tokens, self.phrase)


def search(session, principal, query="", filters=None, limit=20, offset=0):
    """(total candidates, ranked page) of the documents the caller may see."""
    filters = filters or {}
    asked = Query(query)
    statement = access.select_visible(
        principal, Document.id, Document.subject, Document.search_text, Document.code_number,
        Document.code_notation, Document.arrival_number).where(
        *asked.conditions(), *filter_conditions(filters))
    candidates = [row for row in session.execute(
        statement.order_by(Document.id.desc()).limit(SEARCH_CANDIDATES)).all()
        if asked.keeps(row, filters)]
    ranked = sorted(candidates, key=lambda row: (-asked.points(row), -row.id))
    page = [row.id for row in ranked[offset:offset + limit]]
    documents = {d.id: d for d in access.documents_for(
        session, principal, Document.id.in_(page))} if page else {}
    return len(candidates), [documents[document_id] for document_id in page]
