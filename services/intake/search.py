"""Finding documents: diacritics-insensitive ("thong bao ket luan" finds "Thông báo kết luận",
"d" matches "đ"), filtered, ranked by where the words occur.

The request is bounded before it gets here (services/intake/requests.py: at most 20 distinct
words, 500 characters); the words become one condition, so building the statement is linear.
"""
from sqlalchemy import func, or_

from services.intake import access
from services.intake.models import Document
from services.intake.requests import SEARCH_CANDIDATES, query_words
from shared.text import fold


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
    day = func.coalesce(Document.arrival_date, Document.issued_date)
    if filters.get("date_from"):
        conditions.append(day >= filters["date_from"])
    if filters.get("date_to"):
        conditions.append(day <= filters["date_to"])
    return conditions


def search(session, principal, query="", filters=None, limit=20, offset=0):
    """(total candidates, ranked page) of the documents the caller may see."""
    phrase = fold(query)
    tokens = query_words(query)
    words = [Document.search_text.contains(token, autoescape=True) for token in tokens]
    statement = access.select_visible(principal, Document.id, Document.subject,
                                      Document.search_text).where(
        *words, *filter_conditions(filters or {}))
    candidates = session.execute(
        statement.order_by(Document.id.desc()).limit(SEARCH_CANDIDATES)).all()
    ranked = sorted(candidates, key=lambda row: (-score(row.subject, row.search_text, tokens,
                                                        phrase), -row.id))
    page = [row.id for row in ranked[offset:offset + limit]]
    documents = {d.id: d for d in access.documents_for(
        session, principal, Document.id.in_(page))} if page else {}
    return len(candidates), [documents[document_id] for document_id in page]
